"""The buyer's cart: one per buyer, read grouped by seller.

Prices and availability are never stored with a line: every read (the cart page, the API,
checkout) takes them from the catalog as it is now, so a variant archived, a product
withdrawn, a shop that became invisible to the buyer or stock that ran out shows at once
and is never bought by surprise.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from vitrina.core.errors import InvalidInput, NotFound
from vitrina.core.throttle import rate_limit
from vitrina.insights import recording
from vitrina.insights.models import Kind
from vitrina.orders import pricing
from vitrina.orders.models import MAX_CART_QUANTITY, CartLine
from vitrina.shop.models import Product, ProductStatus, ProductVariant

# A cart is a shopping list, not a warehouse: more lines than this is a script.
MAX_CART_LINES = 100

UNAVAILABLE = "unavailable"  # archived variant or product, draft, or a shop the buyer may not see
OUT_OF_STOCK = "out_of_stock"
INSUFFICIENT_STOCK = "insufficient_stock"  # fewer units left than the line asks for


def invalid(field_name: str, message: str, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field_name: [message]})


def parse_quantity(raw, *, field_name: str = "quantity") -> int:
    """A whole number of units, 1..999; bools, strings and fractions are refused, not coerced."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_CART_QUANTITY:
        raise invalid(field_name, _("Give the quantity as a whole number from 1 to %(max)s.")
                      % {"max": MAX_CART_QUANTITY}, code="invalid_quantity")
    return raw


def parse_id(raw, *, field_name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2 ** 63:
        raise invalid(field_name, _("Give an id as a whole number."))
    return raw


def visible_variants(buyer):
    """Variants whose product the buyer may see (the one rule: Product.objects.visible_to)."""
    return ProductVariant.objects.filter(product__in=Product.objects.visible_to(buyer))


def short_message(stock: int) -> str:
    if stock <= 0:
        return _("This item is out of stock.")
    return _("Only %(count)s left.") % {"count": stock}


def _buyable_variant(*, buyer, variant_id: int) -> ProductVariant:
    variant = visible_variants(buyer).select_related("product", "shop").filter(pk=variant_id).first()
    if variant is None:
        raise NotFound(_("This product is not available."))
    if variant.shop.owner_id == buyer.pk:
        raise invalid("variant_id", _("You cannot buy from your own shop."), code="own_shop")
    if not variant.is_active:
        raise invalid("variant_id", _("This option is no longer sold."), code=UNAVAILABLE)
    return variant


def _check_stock(variant: ProductVariant, quantity: int) -> None:
    if quantity > variant.stock:
        raise invalid("quantity", short_message(variant.stock), code=INSUFFICIENT_STOCK)


def cart_add(*, buyer, variant_id, quantity) -> CartLine:
    """Put `quantity` units in the cart, added to the line of that variant if there is one."""
    rate_limit(action="cart", ident=buyer.pk)
    variant_id = parse_id(variant_id, field_name="variant_id")
    quantity = parse_quantity(quantity)
    variant = _buyable_variant(buyer=buyer, variant_id=variant_id)
    line = _cart_put(buyer=buyer, variant=variant, quantity=quantity)
    # For the shop's insights, once the line is committed (a buffer append: no write here).
    transaction.on_commit(partial(recording.hit, kind=Kind.ADD_TO_CART, account_id=variant.shop.owner_id,
                                  viewer_id=buyer.pk, product_id=variant.product_id, source="shop",
                                  staff=buyer.is_staff))
    return line


def _cart_put(*, buyer, variant, quantity) -> CartLine:
    try:
        with transaction.atomic():
            line = CartLine.objects.select_for_update().filter(buyer=buyer, variant=variant).first()
            if line is None:
                if CartLine.objects.filter(buyer=buyer).count() >= MAX_CART_LINES:
                    raise invalid("variant_id", _("Your cart is full: remove something first."), code="cart_full")
                _check_stock(variant, quantity)
                return CartLine.objects.create(buyer=buyer, variant=variant, quantity=quantity)
            total = line.quantity + quantity
            if total > MAX_CART_QUANTITY:
                raise invalid("quantity", _("At most %(max)s of one item.") % {"max": MAX_CART_QUANTITY},
                              code="invalid_quantity")
            _check_stock(variant, total)
            line.quantity = total
            line.save(update_fields=["quantity"])
            return line
    except IntegrityError:
        # A second tap created the line meanwhile: add to it.
        return _cart_put(buyer=buyer, variant=variant, quantity=quantity)


def _own_line(*, buyer, line_id) -> CartLine:
    line_id = parse_id(line_id, field_name="line_id")
    line = CartLine.objects.filter(pk=line_id, buyer=buyer).select_related("variant").first()
    if line is None:
        raise NotFound(_("This cart item does not exist."))
    return line


def cart_update(*, buyer, line_id, quantity) -> CartLine:
    rate_limit(action="cart", ident=buyer.pk)
    line = _own_line(buyer=buyer, line_id=line_id)
    quantity = parse_quantity(quantity)
    if quantity > line.quantity:
        # Lowering is always allowed (it is how a buyer fixes a line that ran short).
        _check_stock(line.variant, quantity)
    CartLine.objects.filter(pk=line.pk).update(quantity=quantity)
    line.quantity = quantity
    return line


def cart_remove(*, buyer, line_id) -> None:
    rate_limit(action="cart", ident=buyer.pk)
    line = _own_line(buyer=buyer, line_id=line_id)
    line.delete()


# --- Reads ---------------------------------------------------------------------------------------


@dataclass
class CartItem:
    line: CartLine
    variant: ProductVariant
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    problem: str = ""  # "", UNAVAILABLE, OUT_OF_STOCK or INSUFFICIENT_STOCK

    @property
    def available(self) -> bool:
        return not self.problem

    @property
    def product(self):
        return self.variant.product

    @property
    def title(self) -> str:
        return self.variant.product.title


@dataclass
class SellerCart:
    """One seller's part of the cart; its sums count only the lines that can be bought now."""

    shop: object
    items: list[CartItem] = field(default_factory=list)

    @property
    def seller(self):
        return self.shop.owner

    @property
    def currency(self) -> str:
        return self.shop.currency

    @property
    def available_items(self) -> list[CartItem]:
        return [item for item in self.items if item.available]

    @property
    def problems(self) -> list[CartItem]:
        return [item for item in self.items if not item.available]

    @property
    def subtotal(self) -> Decimal:
        return pricing.subtotal_of([item.line_total for item in self.available_items], self.currency)

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items)


def cart_items(*, buyer, lines) -> list[CartItem]:
    """CartItems for `lines` (a queryset of the buyer's CartLines), checked against the catalog now."""
    lines = list(lines.select_related("variant__product", "variant__shop__owner").order_by("id"))
    visible = set(visible_variants(buyer).filter(pk__in=[line.variant_id for line in lines])
                  .values_list("pk", flat=True))
    return [_item(line, buyer=buyer, visible=line.variant_id in visible) for line in lines]


def shop_cart_items(*, buyer, shop) -> list[CartItem]:
    """The buyer's lines from one shop whose owner the caller has just found the buyer may see
    (visibility.sees_content): of the visibility rule only the product's status is left to check, so
    checkout's hot path has no visibility subquery."""
    lines = list(CartLine.objects.filter(buyer=buyer, variant__shop=shop).select_related("variant__product")
                 .order_by("id"))
    for line in lines:
        line.variant.shop = shop
    return [_item(line, buyer=buyer, visible=line.variant.product.status == ProductStatus.ACTIVE) for line in lines]


def _item(line, *, buyer, visible: bool) -> CartItem:
    variant = line.variant
    if not visible or not variant.is_active or variant.shop.owner_id == buyer.pk:
        problem = UNAVAILABLE
    elif variant.stock <= 0:
        problem = OUT_OF_STOCK
    elif variant.stock < line.quantity:
        problem = INSUFFICIENT_STOCK
    else:
        problem = ""
    return CartItem(line=line, variant=variant, unit_price=variant.price, quantity=line.quantity,
                    line_total=pricing.line_total(variant.price, line.quantity, variant.shop.currency),
                    problem=problem)


def cart_grouped(*, buyer) -> list[SellerCart]:
    """The buyer's cart by seller, sellers in the order their first line was added."""
    groups: dict[int, SellerCart] = {}
    for item in cart_items(buyer=buyer, lines=CartLine.objects.filter(buyer=buyer)):
        shop = item.variant.shop
        groups.setdefault(shop.pk, SellerCart(shop=shop)).items.append(item)
    return list(groups.values())


def cart_count(*, buyer) -> int:
    """Units in the cart, for the badge (one query)."""
    return CartLine.objects.filter(buyer=buyer).aggregate(n=Sum("quantity"))["n"] or 0
