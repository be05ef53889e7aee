"""The order lifecycle: the one table of allowed transitions, who may make each, stock and events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.checkout_helpers import fill_cart, make_seller, place, stock_of
from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.orders import lifecycle
from vitrina.orders.models import OrderEvent
from vitrina.shop.models import Shop

pytestmark = pytest.mark.django_db

STATUSES = ["placed", "confirmed", "paid", "shipped", "delivered", "cancelled", "refunded"]


@pytest.fixture
def parties(make_user):
    seller, variant = make_seller(make_user, stock=5)
    Shop.objects.filter(pk=variant.shop_id).update(accepts_bank_transfer=True, accepts_card=True,
                                                   bank_details="IBAN 1")
    buyer = make_user("buyer")
    return seller, buyer, variant


def order_for(parties, method="cod", quantity=2):
    seller, buyer, variant = parties
    fill_cart(buyer, variant, quantity)
    return place(buyer, seller, payment_method=method)


def walk(order, actor, *steps, **kwargs):
    for to in steps:
        order = lifecycle.order_transition(order_id=order.pk, actor=actor, to=to, **kwargs)
    return order


def test_cash_on_delivery_goes_placed_confirmed_shipped_delivered_with_an_event_each(parties):
    seller, buyer, variant = parties
    order = order_for(parties)
    order = walk(order, seller, "confirmed")
    order = lifecycle.order_transition(order_id=order.pk, actor=seller, to="shipped", tracking=" RU123 ")
    order = walk(order, seller, "delivered")
    assert order.status == "delivered" and order.tracking == "RU123"
    events = list(OrderEvent.objects.filter(order=order).values_list("actor", "from_status", "to_status"))
    assert events == [(buyer.pk, "", "placed"), (seller.pk, "placed", "confirmed"),
                      (seller.pk, "confirmed", "shipped"), (seller.pk, "shipped", "delivered")]
    assert stock_of(variant) == 3


def test_bank_transfer_must_be_marked_paid_before_shipping(parties):
    seller, _buyer, _variant = parties
    order = walk(order_for(parties, "bank_transfer"), seller, "confirmed")
    with pytest.raises(Conflict) as error:
        walk(order, seller, "shipped")
    assert error.value.code == "transition_not_allowed"
    assert walk(order, seller, "paid", "shipped", "delivered").status == "delivered"


def test_only_the_system_marks_a_card_order_paid(parties):
    seller, buyer, _variant = parties
    order = order_for(parties, "card")
    for actor in (seller, buyer):
        with pytest.raises(Conflict):
            walk(order, actor, "paid")
    assert walk(order, None, "paid").status == "paid"


@pytest.mark.parametrize("frm", STATUSES)
@pytest.mark.parametrize("to", STATUSES)
def test_every_pair_outside_the_table_is_refused_and_changes_nothing(parties, frm, to):
    """Drive a card order's status directly (the table is what is tested) and try each change."""
    seller, buyer, variant = parties
    order = order_for(parties, "card")
    type(order).objects.filter(pk=order.pk).update(status=frm)
    allowed = any(order.payment_method in lifecycle.TRANSITIONS.get((frm, to), {}).get(role, ())
                  for role in (lifecycle.SELLER, lifecycle.SYSTEM, lifecycle.BUYER))
    if allowed:
        return
    for actor in (seller, buyer, None):
        with pytest.raises(Conflict):
            walk(order, actor, to)
    order.refresh_from_db()
    assert order.status == frm and OrderEvent.objects.filter(order=order).count() == 1
    assert stock_of(variant) == 3


def test_buyer_cancels_only_before_confirmation_and_stock_returns(parties):
    seller, buyer, variant = parties
    order = order_for(parties)
    assert stock_of(variant) == 3
    assert walk(order, buyer, "cancelled").status == "cancelled"
    assert stock_of(variant) == 5
    second = walk(order_for(parties), seller, "confirmed")
    with pytest.raises(Conflict):
        walk(second, buyer, "cancelled")
    assert stock_of(variant) == 3


def test_refund_returns_stock_once(parties):
    seller, _buyer, variant = parties
    order = walk(order_for(parties, "bank_transfer"), seller, "paid", "shipped", "delivered", "refunded")
    assert order.status == "refunded" and stock_of(variant) == 5
    with pytest.raises(Conflict):
        walk(order, seller, "refunded")
    assert stock_of(variant) == 5


def test_someone_else_gets_404_and_a_bad_status_422(parties, make_user):
    seller, _buyer, _variant = parties
    order = order_for(parties)
    with pytest.raises(NotFound):
        walk(order, make_user("stranger"), "cancelled")
    with pytest.raises(NotFound):
        lifecycle.order_transition(order_id=order.pk + 1000, actor=seller, to="confirmed")
    with pytest.raises(InvalidInput):
        walk(order, seller, "lost")
    with pytest.raises(InvalidInput):
        lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")  # fine
        lifecycle.order_transition(order_id=order.pk, actor=seller, to="shipped", tracking="x" * 101)
    order.refresh_from_db()
    assert order.status == "confirmed" and order.tracking == ""


def test_allowed_next_lists_the_buttons_for_each_side(parties):
    seller, buyer, _variant = parties
    order = order_for(parties)
    assert lifecycle.allowed_next(order, seller) == ["confirmed", "cancelled"]
    assert lifecycle.allowed_next(order, buyer) == ["cancelled"]


def test_unpaid_card_orders_expire_and_release_stock(parties):
    seller, _buyer, variant = parties
    order = order_for(parties, "card")
    kept = order_for(parties, "cod", quantity=1)
    assert stock_of(variant) == 2
    assert lifecycle.orders_expire(now=timezone.now()) == 0
    later = timezone.now() + timedelta(hours=2)
    assert lifecycle.orders_expire(now=later) == 1
    order.refresh_from_db()
    kept.refresh_from_db()
    assert (order.status, kept.status) == ("cancelled", "placed")
    assert stock_of(variant) == 4
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.actor, event.to_status, event.note) == (None, "cancelled", "expired")
    assert lifecycle.orders_expire(now=later) == 0
