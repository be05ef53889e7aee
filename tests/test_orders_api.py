"""The orders API: the buyer's /orders, the seller's /shop/orders, transitions through the lifecycle."""

import pytest

from tests.checkout_helpers import add_address, fill_cart, make_seller, place, stock_of
from tests.conftest import assert_error
from vitrina.orders import lifecycle
from vitrina.orders.models import Order, OrderEvent
from vitrina.shop.models import Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(make_user):
    seller, variant = make_seller(make_user, stock=10)
    Shop.objects.filter(pk=variant.shop_id).update(accepts_bank_transfer=True, bank_details="IBAN RU00 1234")
    return seller, make_user("buyer"), variant


def order_of(parties, quantity=2, **overrides):
    seller, buyer, variant = parties
    fill_cart(buyer, variant, quantity)
    return place(buyer, seller, **overrides)


def snapshot(order) -> tuple:
    """What a refused change must leave as it was."""
    fresh = Order.objects.get(pk=order.pk)
    return fresh.status, fresh.tracking, OrderEvent.objects.filter(order=order).count()


# --- The buyer's --------------------------------------------------------------------------------


def test_buyer_lists_their_orders_newest_first_by_cursor(parties, make_user, api):
    seller, buyer, variant = parties
    orders = [order_of(parties, 1) for _ in range(3)]
    other = make_user("other")
    fill_cart(other, variant, 1)
    place(other, seller)
    client = api(buyer)
    first = client.get("/orders", {"limit": 2}).json()
    assert [item["number"] for item in first["items"]] == [orders[2].number, orders[1].number]
    assert first["next_cursor"]
    second = client.get("/orders", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [item["number"] for item in second["items"]] == [orders[0].number]
    assert second["next_cursor"] is None


def test_buyers_list_reads_in_a_fixed_number_of_queries(parties, api, django_assert_max_num_queries):
    _seller, buyer, _variant = parties
    for _ in range(5):
        order_of(parties, 1)
    client = api(buyer)
    with django_assert_max_num_queries(12):
        assert len(client.get("/orders").json()["items"]) == 5


def test_an_order_has_its_lines_totals_timeline_and_what_the_caller_may_do(parties, api):
    seller, buyer, _variant = parties
    add_address(buyer)
    order = order_of(parties, 2, payment_method="bank_transfer")
    body = api(buyer).get(f"/orders/{order.pk}").json()
    assert body["number"] == order.number and body["status"] == "placed"
    assert (body["seller"], body["buyer"]) == ("seller", "buyer")
    assert body["lines"] == [{"variant_id": order.lines.get().variant_id, "product_id": order.lines.get().product_id,
                              "title": "Linen shirt", "variant_name": "M", "sku": "seller-1", "quantity": 2,
                              "unit_price": "1500.00", "line_total": "3000.00"}]
    assert (body["subtotal"], body["discount"], body["delivery_price"], body["total"], body["currency"]) == \
        ("3000.00", "0.00", "0.00", "3000.00", "RUB")
    assert body["bank_details"] == "IBAN RU00 1234"
    assert [(e["from"], e["to"], e["by"]) for e in body["events"]] == [("", "placed", "buyer")]
    assert body["events"][0]["at"]
    assert body["allowed_transitions"] == ["cancelled"]
    assert body["url"] == f"/orders/{order.number}/"
    as_seller = api(seller).get(f"/shop/orders/{order.pk}").json()
    assert as_seller["allowed_transitions"] == ["confirmed", "paid", "cancelled"]
    assert as_seller["url"] == f"/shop/orders/{order.number}/"


def test_buyer_cancels_a_placed_order_and_its_units_return(parties, api):
    _seller, buyer, variant = parties
    order = order_of(parties, 3)
    assert stock_of(variant) == 7
    response = api(buyer).post(f"/orders/{order.pk}/cancel")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "cancelled" and body["allowed_transitions"] == []
    assert [(e["from"], e["to"], e["by"]) for e in body["events"]][-1] == ("placed", "cancelled", "buyer")
    assert stock_of(variant) == 10


def test_buyer_cannot_cancel_once_the_seller_confirmed(parties, api):
    seller, buyer, variant = parties
    order = order_of(parties, 2)
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    before = snapshot(order)
    assert_error(api(buyer).post(f"/orders/{order.pk}/cancel"), 409, "transition_not_allowed")
    assert snapshot(order) == before and stock_of(variant) == 8


def test_orders_need_a_login(parties, api):
    order = order_of(parties)
    for path in ("/orders", f"/orders/{order.pk}", "/shop/orders", f"/shop/orders/{order.pk}"):
        assert_error(api().get(path), 401)
    assert_error(api().post(f"/orders/{order.pk}/cancel"), 401)
    assert_error(api().post(f"/shop/orders/{order.pk}/transition", {"to": "confirmed"}), 401)


def test_someone_elses_order_is_404_everywhere_and_nothing_changes(parties, make_user, api):
    seller, buyer, _variant = parties
    order = order_of(parties)
    stranger = make_user("stranger")
    other_seller, _other_variant = make_seller(make_user, "othershop")
    before = snapshot(order)
    for user in (stranger, other_seller, seller):  # the seller is not the buyer
        assert_error(api(user).get(f"/orders/{order.pk}"), 404, "not_found")
        assert_error(api(user).post(f"/orders/{order.pk}/cancel"), 404, "not_found")
    for user in (stranger, other_seller, buyer):  # the buyer may not act as the seller
        assert_error(api(user).get(f"/shop/orders/{order.pk}"), 404, "not_found")
        assert_error(api(user).post(f"/shop/orders/{order.pk}/transition", {"to": "cancelled"}), 404, "not_found")
    assert_error(api(buyer).get(f"/orders/{order.pk + 1000}"), 404)
    assert_error(api(seller).get(f"/shop/orders/{order.pk + 1000}"), 404)
    assert snapshot(order) == before
    assert api(other_seller).get("/shop/orders").json()["items"] == []
    assert api(stranger).get("/orders").json()["items"] == []


# --- The seller's -------------------------------------------------------------------------------


def test_seller_walks_a_cash_order_to_delivered_with_tracking(parties, api):
    seller, buyer, variant = parties
    order = order_of(parties, 2)
    client = api(seller)
    path = f"/shop/orders/{order.pk}/transition"
    assert client.post(path, {"to": "confirmed"}).json()["allowed_transitions"] == ["shipped", "cancelled"]
    shipped = client.post(path, {"to": "shipped", "tracking": " RA123456789RU "}).json()
    assert shipped["status"] == "shipped" and shipped["tracking"] == "RA123456789RU"
    delivered = client.post(path, {"to": "delivered", "note": "handed over"}).json()
    assert delivered["status"] == "delivered"
    assert [(e["from"], e["to"], e["by"]) for e in delivered["events"]] == [
        ("", "placed", "buyer"), ("placed", "confirmed", "seller"), ("confirmed", "shipped", "seller"),
        ("shipped", "delivered", "seller")]
    assert delivered["events"][-1]["note"] == "handed over"
    assert api(buyer).get(f"/orders/{order.pk}").json()["tracking"] == "RA123456789RU"
    assert stock_of(variant) == 8


def test_seller_marks_a_bank_transfer_paid_then_ships_and_refunds(parties, api):
    seller, _buyer, variant = parties
    order = order_of(parties, 1, payment_method="bank_transfer")
    path = f"/shop/orders/{order.pk}/transition"
    client = api(seller)
    for to in ("confirmed", "paid", "shipped"):
        assert client.post(path, {"to": to}).json()["status"] == to
    assert client.post(path, {"to": "refunded"}).json()["status"] == "refunded"
    assert stock_of(variant) == 10


@pytest.mark.parametrize("to", ["delivered", "shipped", "refunded", "placed"])
def test_a_transition_not_allowed_is_409_and_changes_nothing(parties, api, to):
    seller, _buyer, variant = parties
    order = order_of(parties, 2)
    before = snapshot(order)
    error = assert_error(api(seller).post(f"/shop/orders/{order.pk}/transition", {"to": to}), 409,
                         "transition_not_allowed")
    assert "to" in error["fields"]
    assert snapshot(order) == before and stock_of(variant) == 8


def test_a_card_order_is_not_marked_paid_by_the_seller(parties, api):
    seller, _buyer, _variant = parties
    Shop.objects.filter(owner=seller).update(accepts_card=True)
    order = order_of(parties, 1, payment_method="card")
    assert_error(api(seller).post(f"/shop/orders/{order.pk}/transition", {"to": "paid"}), 409,
                 "transition_not_allowed")
    assert Order.objects.get(pk=order.pk).status == "placed"


@pytest.mark.parametrize("payload", [{"to": "teleported"}, {"to": ""}, {}, {"to": 3}, {"to": "shipped", "tracking": 5}])
def test_a_bad_transition_body_is_422(parties, api, payload):
    seller, _buyer, _variant = parties
    order = order_of(parties)
    before = snapshot(order)
    assert_error(api(seller).post(f"/shop/orders/{order.pk}/transition", payload), 422)
    assert snapshot(order) == before


def test_a_tracking_number_too_long_is_422_and_nothing_ships(parties, api):
    seller, _buyer, _variant = parties
    order = order_of(parties)
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    before = snapshot(order)
    path = f"/shop/orders/{order.pk}/transition"
    assert_error(api(seller).post(path, {"to": "shipped", "tracking": "X" * 101}), 422, field="tracking")
    assert snapshot(order) == before
    assert api(seller).post(path, {"to": "shipped", "tracking": "X" * 100}).json()["tracking"] == "X" * 100


def test_seller_lists_their_orders_by_status_and_search(parties, make_user, api):
    seller, buyer, variant = parties
    first = order_of(parties, 1)
    second = order_of(parties, 1)
    lifecycle.order_transition(order_id=second.pk, actor=seller, to="confirmed")
    anna = make_user("anna_k")
    fill_cart(anna, variant, 1)
    third = place(anna, seller)
    other_seller, other_variant = make_seller(make_user, "othershop")
    fill_cart(buyer, other_variant, 1)
    place(buyer, other_seller)
    client = api(seller)

    def numbers(**query):
        response = client.get("/shop/orders", query)
        assert response.status_code == 200, response.content
        return [item["number"] for item in response.json()["items"]]

    assert numbers() == [third.number, second.number, first.number]
    assert numbers(status="placed") == [third.number, first.number]
    assert numbers(status="confirmed") == [second.number]
    assert numbers(status="delivered") == []
    assert numbers(q="anna") == [third.number]
    assert numbers(q="@ANNA_K") == [third.number]
    assert numbers(q=first.number.lower()) == [first.number]
    assert numbers(q="no such thing") == []
    page = client.get("/shop/orders", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get("/shop/orders", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [item["number"] for item in rest["items"]] == [first.number]
    assert_error(client.get("/shop/orders", {"status": "lost"}), 422, field="status")
    assert_error(client.get("/shop/orders", {"cursor": "garbage!"}), 400, "invalid_cursor")


def test_the_paths_are_in_the_openapi_document(api):
    paths = api().get("/openapi.json").json()["paths"]
    for path in ("/orders", "/orders/{order_id}", "/orders/{order_id}/cancel", "/shop/orders",
                 "/shop/orders/{order_id}", "/shop/orders/{order_id}/transition"):
        assert "/api/vitrina/v1" + path in paths, sorted(paths)
