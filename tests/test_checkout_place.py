"""order_place: the order it makes, and every bad input refused with nothing changed."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.checkout_helpers import add_address, fill_cart, make_product, make_seller, place, stock_of, variant_of
from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.orders import cart, checkout, emails, promos
from vitrina.orders.models import CartLine, Order, OrderEvent, Payment, PromoCode
from vitrina.shop import tags
from vitrina.shop.models import DeliveryMethod, ProductStatus, ProductVariant, Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_variant(make_user):
    return make_seller(make_user, price="1500", stock=5)


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def nothing_placed(buyer, variant, stock):
    assert not Order.objects.filter(buyer=buyer).exists()
    assert stock_of(variant) == stock


def test_order_has_server_totals_snapshot_lines_and_first_event(buyer, seller_variant,
                                                                django_capture_on_commit_callbacks):
    seller, variant = seller_variant
    DeliveryMethod.objects.create(shop=variant.shop, code="courier", name="Courier", price=Decimal("300"))
    address = add_address(buyer)
    fill_cart(buyer, variant, 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = place(buyer, seller, delivery_method="courier", shipping_address=address.pk, note="Ring twice")
    assert re.fullmatch(r"V[A-Z2-7]{8}", order.number)
    assert (order.subtotal, order.discount, order.delivery_price, order.total) == (
        Decimal("3000"), Decimal("0"), Decimal("300"), Decimal("3300"))
    assert order.currency == "RUB" and order.status == "placed" and order.note == "Ring twice"
    assert order.shipping_address["line1"] == "Tverskaya 1"
    line = order.lines.get()
    assert (line.title, line.variant_name, line.sku, line.unit_price, line.quantity, line.line_total) == (
        "Linen shirt", "M", "seller-1", Decimal("1500"), 2, Decimal("3000"))
    event = OrderEvent.objects.get(order=order)
    assert (event.actor, event.from_status, event.to_status) == (buyer, "", "placed")
    assert Payment.objects.get(order=order).amount == Decimal("3300")
    assert stock_of(variant) == 3
    assert not CartLine.objects.filter(buyer=buyer).exists()
    assert order.expires_at is None
    # The mail, once; nothing ran out. (The events' wake-up and what their delivery asks for come too.)
    after_commit = [getattr(c, "func", c) for c in callbacks]
    assert after_commit.count(emails.order_status_mail) == 1
    assert tags.products_changed not in after_commit


def test_only_the_chosen_sellers_lines_are_ordered(make_user, buyer):
    first, v1 = make_seller(make_user, "first")
    second, v2 = make_seller(make_user, "second")
    fill_cart(buyer, v1)
    fill_cart(buyer, v2, 3)
    order = place(buyer, first)
    assert [line.variant_id for line in order.lines.all()] == [v1.pk]
    assert list(CartLine.objects.filter(buyer=buyer).values_list("variant_id", "quantity")) == [(v2.pk, 3)]
    assert stock_of(v2) == 5


def test_selling_the_last_units_tells_the_product_tags(buyer, seller_variant, django_capture_on_commit_callbacks,
                                                       monkeypatch):
    seller, variant = seller_variant
    changed = []
    monkeypatch.setattr("vitrina.shop.tags.products_changed", changed.append)
    fill_cart(buyer, variant, 5)
    with django_capture_on_commit_callbacks(execute=True):
        place(buyer, seller)
    assert changed == [[variant.product_id]]
    assert stock_of(variant) == 0


def test_card_order_expires_after_the_setting(buyer, seller_variant, settings):
    seller, variant = seller_variant
    Shop.objects.filter(pk=variant.shop_id).update(accepts_card=True)
    settings.CARD_PAYMENT_TIMEOUT = timedelta(minutes=15)
    fill_cart(buyer, variant)
    now = timezone.now()
    order = place(buyer, seller, payment_method="card", now=now)
    assert order.expires_at == now + timedelta(minutes=15)


@pytest.mark.parametrize(("kind", "value", "discount"), [("percent", "10", "300"), ("fixed", "500", "500"),
                                                         ("fixed", "99999", "3000"), ("percent", "100", "3000")])
def test_promo_discount_never_exceeds_the_subtotal(buyer, seller_variant, kind, value, discount):
    seller, variant = seller_variant
    promo = promos.promo_create(owner=seller, code="Summer", kind=kind, value=value)
    fill_cart(buyer, variant, 2)
    order = place(buyer, seller, promo_code="summer")
    assert order.discount == Decimal(discount)
    assert order.total == Decimal("3000") - Decimal(discount)
    assert order.promo_code == promo
    promo.refresh_from_db()
    assert promo.used_count == 1


def test_yen_and_dinar_orders_are_exact_in_their_minor_units(make_user, buyer):
    yen_seller, yen = make_seller(make_user, "yen", currency="JPY", price="999")
    kwd_seller, kwd = make_seller(make_user, "kwd", currency="KWD", price="1.333")
    promos.promo_create(owner=yen_seller, code="OFF", kind="percent", value="12.5")
    promos.promo_create(owner=kwd_seller, code="OFF", kind="percent", value="12.5")
    fill_cart(buyer, yen, 3)
    fill_cart(buyer, kwd, 3)
    yen_order = place(buyer, yen_seller, promo_code="OFF")
    kwd_order = place(buyer, kwd_seller, promo_code="OFF")
    # 2997 × 12.5% = 374.625 → 375 yen; 3.999 × 12.5% = 0.499875 → 0.500 dinar.
    assert (yen_order.discount, yen_order.total) == (Decimal("375"), Decimal("2622"))
    assert (kwd_order.discount, kwd_order.total) == (Decimal("0.500"), Decimal("3.499"))


# --- Bad input: a clear 4xx, no order, no stock change ------------------------------------------


def test_one_short_line_fails_the_whole_order_naming_every_short_line(make_user, buyer):
    seller = make_user("seller", account_type="business")
    product = make_product(seller, variants=[
        {"name": "S", "sku": "S", "price": "100", "stock": 5},
        {"name": "M", "sku": "M", "price": "100", "stock": 5},
        {"name": "L", "sku": "L", "price": "100", "stock": 5},
    ])
    small, medium, large = (variant_of(product, i) for i in range(3))
    for variant in (small, medium, large):
        fill_cart(buyer, variant, 4)
    ProductVariant.objects.filter(pk__in=[small.pk, large.pk]).update(stock=3)
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller)
    assert error.value.code == "insufficient_stock"
    assert set(error.value.fields) == {f"variants.{small.pk}", f"variants.{large.pk}"}
    assert not Order.objects.exists()
    assert [stock_of(v) for v in (small, medium, large)] == [3, 5, 3]
    assert CartLine.objects.filter(buyer=buyer).count() == 3


@pytest.mark.parametrize("change", ["quantity", "removed"])
def test_a_cart_line_changed_during_checkout_is_cart_changed_and_nothing_placed(buyer, seller_variant, monkeypatch,
                                                                              change):
    # The lines are read before the transaction; the buyer changes one (another tab) just before
    # the stock is taken. The order would buy a stale line: it is rolled back instead.
    seller, variant = seller_variant
    fill_cart(buyer, variant, 2)
    reserve = checkout._reserve

    def cart_changes_first(items):
        lines = CartLine.objects.filter(buyer=buyer)
        lines.update(quantity=3) if change == "quantity" else lines.delete()
        return reserve(items)

    monkeypatch.setattr(checkout, "_reserve", cart_changes_first)
    with pytest.raises(Conflict) as error:
        place(buyer, seller)
    assert error.value.code == "cart_changed"
    nothing_placed(buyer, variant, 5)
    assert not OrderEvent.objects.exists() and not Payment.objects.exists()


def test_archived_variant_or_product_is_never_bought(buyer, seller_variant):
    seller, variant = seller_variant
    fill_cart(buyer, variant)
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller)
    assert error.value.code == "unavailable"
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=True)
    variant.product.__class__.objects.filter(pk=variant.product_id).update(status=ProductStatus.ARCHIVED)
    with pytest.raises(InvalidInput):
        place(buyer, seller)
    nothing_placed(buyer, variant, 5)


def test_a_changed_total_is_price_changed_and_nothing_placed(buyer, seller_variant):
    seller, variant = seller_variant
    fill_cart(buyer, variant, 2)
    with pytest.raises(Conflict) as error:
        place(buyer, seller, expected_total="2999.99")
    assert error.value.code == "price_changed"
    nothing_placed(buyer, variant, 5)
    assert place(buyer, seller, expected_total="3000.00").total == Decimal("3000")


def test_currency_mismatch_is_refused(buyer, seller_variant):
    seller, variant = seller_variant
    fill_cart(buyer, variant)
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller, currency="USD")
    assert error.value.code == "currency_mismatch"
    nothing_placed(buyer, variant, 5)


@pytest.mark.parametrize(("fields", "code"), [
    ({"ends_at": timezone.now() - timedelta(days=1)}, "promo_expired"),
    ({"starts_at": timezone.now() + timedelta(days=1)}, "promo_not_started"),
    ({"min_subtotal": "5000"}, "promo_minimum"),
    ({"max_uses": 1, "used": 1}, "promo_used_up"),
])
def test_promo_that_does_not_apply_is_refused_with_its_reason(buyer, seller_variant, fields, code):
    seller, variant = seller_variant
    used = fields.pop("used", 0)
    promo = promos.promo_create(owner=seller, code="SALE", kind="percent", value="10", **fields)
    PromoCode.objects.filter(pk=promo.pk).update(used_count=used)
    fill_cart(buyer, variant)
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller, promo_code="sale")
    assert error.value.code == code
    nothing_placed(buyer, variant, 5)
    assert PromoCode.objects.get(pk=promo.pk).used_count == used


def test_another_shops_promo_code_is_invalid(make_user, buyer, seller_variant):
    seller, variant = seller_variant
    other, _variant = make_seller(make_user, "other")
    promos.promo_create(owner=other, code="THEIRS", kind="percent", value="50")
    fill_cart(buyer, variant)
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller, promo_code="THEIRS")
    assert error.value.code == "promo_invalid"
    nothing_placed(buyer, variant, 5)


def test_someone_elses_address_is_404(make_user, buyer, seller_variant):
    seller, variant = seller_variant
    theirs = add_address(make_user("stranger"))
    fill_cart(buyer, variant)
    with pytest.raises(NotFound):
        place(buyer, seller, shipping_address=theirs.pk)
    nothing_placed(buyer, variant, 5)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"delivery_method": "teleport"}, "invalid_delivery"),
    ({"payment_method": "card"}, "invalid_payment"),  # the shop takes cash on delivery only
    ({"payment_method": "barter"}, "invalid_payment"),
    ({"delivery_method": "courier"}, "required"),  # delivery needs an address
    ({"note": "x" * 501}, "invalid"),
    ({"expected_total": "lots"}, "invalid"),
    ({"key": "k" * 101}, "idempotency_key_invalid"),
    ({"key": " "}, "idempotency_key_invalid"),
])
def test_bad_checkout_fields_are_422(buyer, seller_variant, overrides, code):
    seller, variant = seller_variant
    DeliveryMethod.objects.create(shop=variant.shop, code="courier", name="Courier", price=300)
    fill_cart(buyer, variant)
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller, **overrides)
    assert error.value.code == code
    nothing_placed(buyer, variant, 5)


def test_empty_cart_own_shop_and_unknown_seller(make_user, buyer, seller_variant):
    seller, variant = seller_variant
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller)
    assert error.value.code == "cart_empty"
    with pytest.raises(InvalidInput) as error:
        place(seller, seller)
    assert error.value.code == "own_shop"
    with pytest.raises(NotFound):
        place(buyer, make_user("nobody"))


def test_private_shop_the_buyer_does_not_follow_is_404(make_user, buyer):
    seller, variant = make_seller(make_user, "secret", private=True)
    with pytest.raises(NotFound):
        place(buyer, seller)
    with pytest.raises(NotFound):
        cart.cart_add(buyer=buyer, variant_id=variant.pk, quantity=1)


# --- Idempotency, one request after another -------------------------------------------------------


def test_same_key_and_request_return_the_same_order(buyer, seller_variant):
    seller, variant = seller_variant
    fill_cart(buyer, variant, 2)
    first = place(buyer, seller, key="key-1")
    again = place(buyer, seller, key="key-1")
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert Order.objects.count() == 1 and stock_of(variant) == 3


def test_same_key_with_another_request_is_422(buyer, seller_variant):
    seller, variant = seller_variant
    fill_cart(buyer, variant, 2)
    place(buyer, seller, key="key-1")
    fill_cart(buyer, variant, 1)
    with pytest.raises(InvalidInput) as error:
        place(buyer, seller, key="key-1", note="another")
    assert error.value.code == "idempotency_key_reused"
    assert Order.objects.count() == 1 and stock_of(variant) == 3


def test_keys_are_per_buyer(make_user, buyer, seller_variant):
    seller, variant = seller_variant
    other = make_user("other")
    fill_cart(buyer, variant)
    fill_cart(other, variant)
    assert place(buyer, seller, key="same").pk != place(other, seller, key="same").pk
