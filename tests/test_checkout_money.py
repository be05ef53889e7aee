"""Money properties: total = Σ lines − discount + delivery, exact in each currency's precision
(JPY with no minor unit and KWD with three included), for the arithmetic and for placed orders."""

import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.checkout_helpers import add_address, fill_cart, make_product, place, variant_of
from vitrina.accounts import services as account_services
from vitrina.orders import pricing, promos
from vitrina.shop import money
from vitrina.shop.models import DeliveryMethod

CURRENCIES = ["JPY", "KWD", "USD", "RUB", "BDT", "BHD", "EUR"]


@st.composite
def amounts(draw, currency, *, low=0, high=10 ** 7):
    """An amount exact in `currency`: whole minor units."""
    places = money.minor_unit(currency)
    return Decimal(draw(st.integers(low, high * 10 ** places))).scaleb(-places)


@st.composite
def orders(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    lines = draw(st.lists(st.tuples(amounts(currency, high=10 ** 5), st.integers(1, 999)), min_size=1, max_size=8))
    kind = draw(st.sampled_from([None, "percent", "fixed"]))
    if kind == "percent":
        value = Decimal(draw(st.integers(1, 10000))).scaleb(-2)  # 0.01 .. 100.00
    elif kind == "fixed":
        value = draw(amounts(currency, low=1, high=10 ** 6))
    else:
        value = None
    return {"currency": currency, "lines": lines, "promo_kind": kind, "promo_value": value,
            "delivery": draw(amounts(currency, high=10 ** 4))}


@given(order=orders())
def test_total_is_lines_minus_discount_plus_delivery_exactly(order):
    currency = order["currency"]
    sums = pricing.totals(**order)
    assert sums.lines == tuple(price * quantity for price, quantity in order["lines"])
    assert sums.subtotal == sum(sums.lines)
    assert sums.total == sum(sums.lines) - sums.discount + sums.delivery
    assert Decimal(0) <= sums.discount <= sums.subtotal
    for amount in (*sums.lines, sums.subtotal, sums.discount, sums.delivery, sums.total):
        assert money.is_exact(amount, currency), (amount, currency)
    if order["promo_kind"] == "percent":
        exact = sums.subtotal * order["promo_value"] / 100
        assert abs(sums.discount - exact) <= money.quantum(currency) / 2
    elif order["promo_kind"] == "fixed":
        assert sums.discount == min(order["promo_value"], sums.subtotal)


def _signup(name, **extra):
    return account_services.user_signup(username=name, email=f"{name}@example.com",
                                        password="long enough passphrase 42", **extra)


@pytest.mark.django_db
@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=orders())
def test_placed_order_keeps_the_property_in_its_currency(order):
    currency, lines = order["currency"], order["lines"][:3]
    tag = uuid.uuid4().hex[:8]
    seller, buyer = _signup(f"s{tag}", account_type="business"), _signup(f"b{tag}")
    product = make_product(seller, currency=currency, variants=[
        {"name": str(i), "sku": f"{tag}-{i}", "price": str(price), "stock": 999}
        for i, (price, _quantity) in enumerate(lines)])
    for i, (_price, quantity) in enumerate(lines):
        fill_cart(buyer, variant_of(product, i), quantity)
    DeliveryMethod.objects.create(shop=product.shop, code="courier", name="Courier", price=order["delivery"])
    code = None
    if order["promo_kind"]:
        code = promos.promo_create(owner=seller, code="P" + tag, kind=order["promo_kind"],
                                   value=str(order["promo_value"])).code
    placed = place(buyer, seller, delivery_method="courier", shipping_address=add_address(buyer).pk,
                   promo_code=code)
    placed.refresh_from_db()
    line_totals = [line.line_total for line in placed.lines.all()]
    assert placed.subtotal == sum(line_totals)
    assert placed.total == sum(line_totals) - placed.discount + placed.delivery_price
    assert placed.delivery_price == order["delivery"]
    for amount in (*line_totals, placed.subtotal, placed.discount, placed.total):
        assert money.is_exact(amount, currency)
