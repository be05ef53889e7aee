"""The cart page, "Add to cart", the checkout sheet, addresses and promo code pages."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.checkout_helpers import ADDRESS, add_address, fill_cart, make_seller, stock_of
from vitrina.orders import promos
from vitrina.orders.models import Address, CartLine, Order, PromoCode
from vitrina.shop.models import DeliveryMethod, ProductVariant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_user):
    return make_seller(make_user, price="1500", stock=5)


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def sheet_form(html: str) -> dict:
    """The checkout form's values as the page renders them (checked radios, hidden inputs)."""
    values = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    values.pop("csrfmiddlewaretoken", None)
    for name, value in re.findall(r'<input type="radio" name="(\w+)" value="([^"]*)" checked>', html):
        values[name] = value
    return values


def test_empty_cart_says_so(page_client, buyer):
    response = page_client(buyer).get(reverse("orders:cart"))
    assert response.status_code == 200
    assert "Your cart is empty" in response.content.decode()


def test_cart_needs_a_login(page_client):
    assert page_client().get(reverse("orders:cart")).status_code == 302


def test_add_to_cart_goes_back_to_the_product_with_a_toast(page_client, buyer, shop):
    _seller, variant = shop
    client = page_client(buyer)
    response = client.post(reverse("orders:cart_add"), {"variant_id": variant.pk, "quantity": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == variant.product.get_absolute_url()
    assert "Added to your cart." in response.content.decode()
    assert CartLine.objects.get(buyer=buyer).quantity == 2


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "two", "6"])
def test_add_to_cart_refuses_bad_quantities(page_client, buyer, shop, quantity):
    _seller, variant = shop
    response = page_client(buyer).post(reverse("orders:cart_add"), {"variant_id": variant.pk, "quantity": quantity},
                                       follow=True)
    assert response.status_code == 200
    assert 'class="message toast error"' in response.content.decode()
    assert not CartLine.objects.exists()


def test_add_to_cart_with_htmx_answers_a_status_line(page_client, buyer, shop):
    _seller, variant = shop
    response = page_client(buyer).post(reverse("orders:cart_add"), {"variant_id": variant.pk, "quantity": "3"},
                                       headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="cart-added"' in html
    # The top bar's badge is swapped out of band with the new count.
    assert re.search(r'id="cart-link"[^>]*hx-swap-oob="true".*data-testid="cart-badge">3<', html, re.S)


def test_cart_page_groups_by_seller_and_formats_money_for_the_reader(make_user, page_client, buyer, shop):
    _seller, variant = shop
    _other, yen = make_seller(make_user, "yenshop", currency="JPY", price="1990")
    fill_cart(buyer, variant, 2)
    fill_cart(buyer, yen, 1)
    html = page_client(buyer).get(reverse("orders:cart"), headers={"Accept-Language": "ru"}).content.decode()
    assert html.count('data-testid="seller-cart"') == 2
    assert "3\xa0000,00\xa0₽" in html  # Babel's Russian format
    assert "¥1\xa0990" in html or "1\xa0990\xa0¥" in html


def test_unavailable_lines_are_marked_and_cannot_be_checked_out(page_client, buyer, shop):
    _seller, variant = shop
    fill_cart(buyer, variant)
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)
    html = page_client(buyer).get(reverse("orders:cart")).content.decode()
    assert "No longer available" in html
    assert 'data-testid="place-order"' not in html


def test_stepper_changes_and_removes_a_line(page_client, buyer, shop):
    _seller, variant = shop
    line = fill_cart(buyer, variant, 2)
    client = page_client(buyer)
    url = reverse("orders:cart_line", args=[line.pk])
    assert client.post(url, {"quantity": "3"}).status_code == 302
    assert CartLine.objects.get(pk=line.pk).quantity == 3
    partial = client.post(url, {"quantity": "9"}, headers={"HX-Request": "true"})
    assert partial.status_code == 422 and "Only 5 left." in partial.content.decode()
    assert CartLine.objects.get(pk=line.pk).quantity == 3
    client.post(url, {"remove": "1"})
    assert not CartLine.objects.exists()


def test_someone_elses_cart_line_is_404_on_the_page(make_user, page_client, buyer, shop):
    _seller, variant = shop
    theirs = fill_cart(make_user("other"), variant)
    response = page_client(buyer).post(reverse("orders:cart_line", args=[theirs.pk]), {"remove": "1"})
    assert response.status_code == 404
    assert CartLine.objects.filter(pk=theirs.pk).exists()


def test_place_order_from_the_sheet_and_a_double_tap_makes_one_order(page_client, buyer, shop):
    seller, variant = shop
    add_address(buyer)
    fill_cart(buyer, variant, 2)
    client = page_client(buyer)
    html = client.get(reverse("orders:cart")).content.decode()
    form = sheet_form(html)
    assert form["expected_total"] == "3000.00" and form["delivery_method"] == "pickup"
    assert form["payment_method"] == "cod" and len(form["idempotency_key"]) == 32
    place_url = reverse("orders:checkout", args=[seller.username])
    first = client.post(place_url, form)
    second = client.post(place_url, form)
    order = Order.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("orders:detail", args=[order.number])
    assert order.total == Decimal("3000") and order.shipping_address["city"] == "Moscow"
    assert stock_of(variant) == 3


def test_a_changed_price_reopens_the_sheet_with_the_new_total(page_client, buyer, shop):
    seller, variant = shop
    fill_cart(buyer, variant, 1)
    client = page_client(buyer)
    form = sheet_form(client.get(reverse("orders:cart")).content.decode())
    ProductVariant.objects.filter(pk=variant.pk).update(price=Decimal("1600"))
    response = client.post(reverse("orders:checkout", args=[seller.username]), form)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="checkout-error"' in html and "<details class=\"sheet-host checkout-host\" open" in html
    assert sheet_form(html)["expected_total"] == "1600.00"
    assert not Order.objects.exists() and stock_of(variant) == 5


def test_live_total_applies_a_promo_and_the_chosen_delivery(page_client, buyer, shop):
    seller, variant = shop
    DeliveryMethod.objects.create(shop=variant.shop, code="courier", name="Courier", price=Decimal("300"))
    promos.promo_create(owner=seller, code="TWENTY", kind="percent", value="20")
    fill_cart(buyer, variant, 2)
    client = page_client(buyer)
    url = reverse("orders:checkout_total", args=[seller.username])
    html = client.post(url, {"delivery_method": "courier", "promo_code": "twenty"},
                       headers={"HX-Request": "true"}).content.decode()
    assert 'name="expected_total" value="2700.00"' in html  # 3000 − 20 % + 300 courier
    assert "Promo code TWENTY applied" in html
    html = client.post(url, {"delivery_method": "pickup", "promo_code": "nope"}).content.decode()
    assert 'data-testid="promo-error"' in html and 'value="3000.00"' in html


def test_addresses_page_adds_one_and_goes_back_to_checkout(page_client, buyer):
    client = page_client(buyer)
    back = reverse("orders:checkout_sheet", args=["seller"])
    response = client.post(reverse("orders:addresses"), {**ADDRESS, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Address.objects.get(owner=buyer).is_default
    refused = client.post(reverse("orders:addresses"), {**ADDRESS, "country": "R1"})
    assert refused.status_code == 422 and Address.objects.count() == 1


def test_someone_elses_address_cannot_be_deleted(make_user, page_client, buyer):
    theirs = add_address(make_user("other"))
    response = page_client(buyer).post(reverse("orders:address_action", args=[theirs.pk, "delete"]))
    assert response.status_code == 404 and Address.objects.filter(pk=theirs.pk).exists()


def test_promo_codes_page_is_the_sellers(page_client, buyer, shop):
    seller, _variant = shop
    client = page_client(seller)
    response = client.post(reverse("orders:promos"), {"code": "winter", "kind": "fixed", "value": "200"})
    assert response.status_code == 302
    assert PromoCode.objects.get().code == "WINTER"
    assert "WINTER" in client.get(reverse("orders:promos")).content.decode()
    assert page_client(buyer).get(reverse("orders:promos")).status_code == 404


def test_shop_tab_shows_the_cart_with_its_count(page_client, buyer, shop):
    _seller, variant = shop
    fill_cart(buyer, variant, 2)
    html = page_client(buyer).get(reverse("web:shop")).content.decode()
    assert 'data-testid="cart-link"' in html and 'data-testid="cart-badge">2<' in html
