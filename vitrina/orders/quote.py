"""What an order would cost now: the checkout sheet's live total, recomputed on the server.

It changes nothing and locks nothing; order_place computes the same sums again under its locks
and refuses to place an order whose total differs from the one the buyer was shown.
"""

from dataclasses import dataclass

from django.utils import timezone

from vitrina.core.errors import InvalidInput
from vitrina.orders import pricing
from vitrina.orders.cart import SellerCart
from vitrina.orders.models import PaymentMethod
from vitrina.orders.promos import promo_for_order
from vitrina.shop import money
from vitrina.shop.models import DeliveryMethod


@dataclass
class Quote:
    group: SellerCart
    delivery_methods: list[DeliveryMethod]
    delivery: DeliveryMethod | None
    payment_methods: list[str]
    totals: pricing.Totals
    promo_code: str = ""
    promo_error: str = ""

    @property
    def expected_total(self) -> str:
        """The total as the page shows it, sent back with "Place order" (a changed one is price_changed)."""
        return money.as_text(self.totals.total, self.totals.currency)

    @property
    def payment_choices(self) -> list[tuple[str, str]]:
        return [(method, PaymentMethod(method).label) for method in self.payment_methods]


def accepted_payments(shop) -> list[str]:
    return [method for method in PaymentMethod.values if getattr(shop, f"accepts_{method}")]


def order_quote(*, group: SellerCart, delivery_code: str = "", promo_code: str = "", now=None) -> Quote:
    """The sums of the group's available lines with the chosen delivery (the first active one by
    default) and promo code; a promo that does not apply is reported, not applied."""
    shop = group.shop
    methods = list(DeliveryMethod.objects.filter(shop=shop, is_active=True).order_by("price", "id"))
    delivery = next((m for m in methods if m.code == delivery_code), methods[0] if methods else None)
    lines = [(item.unit_price, item.quantity) for item in group.available_items]
    subtotal = pricing.totals(lines=lines, currency=shop.currency).subtotal
    promo, promo_error = None, ""
    promo_code = (promo_code or "").strip()
    if promo_code:
        try:
            promo = promo_for_order(shop=shop, code=promo_code, subtotal=subtotal, now=now or timezone.now())
        except InvalidInput as error:
            promo_error = str(error.message)
    totals = pricing.totals(lines=lines, currency=shop.currency, delivery=delivery.price if delivery else 0,
                            promo_kind=promo.kind if promo else None, promo_value=promo.value if promo else None)
    return Quote(group=group, delivery_methods=methods, delivery=delivery, payment_methods=accepted_payments(shop),
                 totals=totals, promo_code=promo_code.upper() if promo else promo_code, promo_error=promo_error)
