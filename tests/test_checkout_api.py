"""The cart, checkout, address and promo endpoints: shapes, codes, and bad input refused with nothing changed."""

import pytest

from tests.checkout_helpers import ADDRESS, add_address, fill_cart, make_seller, stock_of
from tests.conftest import assert_error
from vitrina.orders.models import Address, CartLine, Order
from vitrina.shop.models import DeliveryMethod, Shop

pytestmark = pytest.mark.django_db

BODY = {"seller": "seller", "delivery_method": "pickup", "payment_method": "cod"}


@pytest.fixture
def shop(make_user):
    return make_seller(make_user, price="1500", stock=5)


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def test_cart_is_grouped_by_seller_with_totals(make_user, api, buyer, shop):
    _seller, variant = shop
    _other, yen = make_seller(make_user, "yenshop", currency="JPY", price="990")
    client = api(buyer)
    added = client.post("/cart/items", {"variant_id": variant.pk, "quantity": 2})
    assert added.status_code == 201
    assert added.json()["quantity"] == 2 and added.json()["line_total"] == "3000.00"
    client.post("/cart/items", {"variant_id": variant.pk, "quantity": 1})
    client.post("/cart/items", {"variant_id": yen.pk, "quantity": 1})
    body = client.get("/cart").json()
    assert body["item_count"] == 4
    by_seller = {group["seller"]: group for group in body["sellers"]}
    assert by_seller["seller"]["subtotal"] == "4500.00" and by_seller["seller"]["currency"] == "RUB"
    assert by_seller["seller"]["lines"][0]["quantity"] == 3
    assert by_seller["yenshop"]["subtotal"] == "990"


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, 1000])
def test_bad_quantities_are_422(api, buyer, shop, quantity):
    _seller, variant = shop
    assert_error(api(buyer).post("/cart/items", {"variant_id": variant.pk, "quantity": quantity}), 422)
    assert not CartLine.objects.exists()


def test_quantity_above_stock_is_insufficient_stock(api, buyer, shop):
    _seller, variant = shop
    client = api(buyer)
    assert_error(client.post("/cart/items", {"variant_id": variant.pk, "quantity": 6}), 422, "insufficient_stock")
    line = client.post("/cart/items", {"variant_id": variant.pk, "quantity": 5}).json()
    assert_error(client.patch(f"/cart/items/{line['id']}", {"quantity": 6}), 422, "insufficient_stock")
    assert client.patch(f"/cart/items/{line['id']}", {"quantity": 1}).json()["quantity"] == 1


def test_unavailable_lines_are_marked_not_dropped(api, buyer, shop):
    _seller, variant = shop
    client = api(buyer)
    client.post("/cart/items", {"variant_id": variant.pk, "quantity": 2})
    variant.__class__.objects.filter(pk=variant.pk).update(stock=1)
    line = client.get("/cart").json()["sellers"][0]["lines"][0]
    assert (line["available"], line["problem"], line["stock"]) == (False, "insufficient_stock", 1)
    variant.__class__.objects.filter(pk=variant.pk).update(is_active=False)
    group = client.get("/cart").json()["sellers"][0]
    assert group["lines"][0]["problem"] == "unavailable" and group["subtotal"] == "0.00"


def test_someone_elses_cart_line_is_404(make_user, api, buyer, shop):
    _seller, variant = shop
    theirs = fill_cart(make_user("other"), variant)
    client = api(buyer)
    assert_error(client.patch(f"/cart/items/{theirs.pk}", {"quantity": 2}), 404)
    assert_error(client.delete(f"/cart/items/{theirs.pk}"), 404)
    assert CartLine.objects.get(pk=theirs.pk).quantity == 1


def test_own_shop_and_invisible_variant(make_user, api, shop):
    seller, variant = shop
    assert_error(api(seller).post("/cart/items", {"variant_id": variant.pk, "quantity": 1}), 422, "own_shop")
    _private, hidden = make_seller(make_user, "hidden", private=True)
    assert_error(api(make_user("x")).post("/cart/items", {"variant_id": hidden.pk, "quantity": 1}), 404)


def test_checkout_with_the_same_key_answers_the_same_order(api, buyer, shop):
    _seller, variant = shop
    fill_cart(buyer, variant, 2)
    client = api(buyer)
    first = client.post("/checkout", {**BODY, "expected_total": "3000.00"}, headers={"Idempotency-Key": "abc"})
    assert first.status_code == 201, first.content
    assert first["Idempotent-Replayed"] == "false"
    order = first.json()
    assert order["seller"] == "seller" and order["buyer"] == "buyer" and order["status"] == "placed"
    assert order["lines"] == [{"variant_id": variant.pk, "product_id": variant.product_id, "title": "Linen shirt",
                               "variant_name": "M", "sku": "seller-1", "quantity": 2, "unit_price": "1500.00",
                               "line_total": "3000.00"}]
    assert (order["subtotal"], order["discount"], order["delivery_price"], order["total"]) == (
        "3000.00", "0.00", "0.00", "3000.00")
    assert order["payment"]["provider"] == "cod" and order["payment_method"] == "cod"
    again = client.post("/checkout", {**BODY, "expected_total": "3000.00"}, headers={"Idempotency-Key": "abc"})
    assert again.status_code == 201 and again.json()["id"] == order["id"]
    assert again["Idempotent-Replayed"] == "true"
    other = client.post("/checkout", {**BODY, "note": "changed"}, headers={"Idempotency-Key": "abc"})
    assert_error(other, 422, "idempotency_key_reused")
    assert Order.objects.count() == 1 and stock_of(variant) == 3


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "x" * 101}])
def test_checkout_without_a_usable_key_is_422(api, buyer, shop, headers):
    _seller, variant = shop
    fill_cart(buyer, variant)
    assert_error(api(buyer).post("/checkout", BODY, headers=headers), 422, "idempotency_key_invalid")
    assert not Order.objects.exists()


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"expected_total": "1.00"}, 409, "price_changed"),
    ({"currency": "USD"}, 422, "currency_mismatch"),
    ({"payment_method": "card"}, 422, "invalid_payment"),
    ({"promo_code": "NOPE"}, 422, "promo_invalid"),
    ({"seller": "nobody"}, 404, None),
    ({"shipping_address": "x"}, 422, None),
])
def test_bad_checkout_bodies_change_nothing(api, buyer, shop, body, status, code):
    _seller, variant = shop
    fill_cart(buyer, variant, 2)
    assert_error(api(buyer).post("/checkout", {**BODY, **body}, headers={"Idempotency-Key": "k"}), status, code)
    assert not Order.objects.exists() and stock_of(variant) == 5
    assert CartLine.objects.get(buyer=buyer).quantity == 2


def test_checkout_short_stock_names_the_line(api, buyer, shop):
    _seller, variant = shop
    fill_cart(buyer, variant, 4)
    variant.__class__.objects.filter(pk=variant.pk).update(stock=3)
    error = assert_error(api(buyer).post("/checkout", BODY, headers={"Idempotency-Key": "k"}), 422,
                         "insufficient_stock")
    assert list(error["fields"]) == [f"variants.{variant.pk}"]
    assert stock_of(variant) == 3


def test_bank_transfer_order_shows_the_sellers_details(api, buyer, shop):
    _seller, variant = shop
    Shop.objects.filter(pk=variant.shop_id).update(accepts_bank_transfer=True, bank_details="IBAN RU00 1234")
    DeliveryMethod.objects.create(shop=variant.shop, code="post", name="Post", price="250.50")
    address = add_address(buyer)
    fill_cart(buyer, variant)
    order = api(buyer).post("/checkout", {**BODY, "payment_method": "bank_transfer", "delivery_method": "post",
                                          "shipping_address": address.pk}, headers={"Idempotency-Key": "k"}).json()
    assert order["bank_details"] == "IBAN RU00 1234"
    assert (order["delivery_price"], order["total"]) == ("250.50", "1750.50")
    assert order["shipping_address"]["city"] == "Moscow"


def test_addresses_belong_to_their_owner(make_user, api, buyer):
    client = api(buyer)
    first = client.post("/me/addresses", ADDRESS)
    assert first.status_code == 201 and first.json()["is_default"] is True
    second = client.post("/me/addresses", {**ADDRESS, "city": "Kazan", "is_default": True}).json()
    items = client.get("/me/addresses").json()["items"]
    assert [(a["city"], a["is_default"]) for a in items] == [("Kazan", True), ("Moscow", False)]
    assert client.patch(f"/me/addresses/{second['id']}", {"line2": "Flat 4"}).json()["line2"] == "Flat 4"
    assert_error(client.post("/me/addresses", {**ADDRESS, "country": "Russia"}), 422, field="country")
    stranger = api(make_user("stranger"))
    assert_error(stranger.get(f"/me/addresses/{second['id']}"), 404)
    assert_error(stranger.patch(f"/me/addresses/{second['id']}", {"city": "X"}), 404)
    assert_error(stranger.delete(f"/me/addresses/{second['id']}"), 404)
    assert client.delete(f"/me/addresses/{second['id']}").status_code == 204
    assert Address.objects.get(owner=buyer).is_default


def test_promo_codes_of_the_sellers_shop(api, buyer, shop):
    seller, _variant = shop
    client = api(seller)
    made = client.post("/shop/promo-codes", {"code": "spring10", "kind": "percent", "value": "10", "max_uses": 5})
    assert made.status_code == 201, made.content
    assert (made.json()["code"], made.json()["value"], made.json()["min_subtotal"]) == ("SPRING10", "10", "0.00")
    assert_error(client.post("/shop/promo-codes", {"code": "SPRING10", "kind": "fixed", "value": "1"}), 422,
                 "duplicate_code")
    assert_error(client.post("/shop/promo-codes", {"code": "X", "kind": "percent", "value": "101"}), 422)
    assert_error(client.post("/shop/promo-codes", {"code": "Y", "kind": "fixed", "value": "1.001"}), 422,
                 "invalid_precision")
    assert [p["code"] for p in client.get("/shop/promo-codes").json()["items"]] == ["SPRING10"]
    assert_error(api(buyer).post("/shop/promo-codes", {"code": "Z", "kind": "percent", "value": "5"}), 403)
