"""Commerce inputs from real orders: on time means marked shipped within ON_TIME_DAYS of placement."""

from datetime import timedelta

import pytest

from tests.checkout_helpers import fill_cart, make_seller, place
from tests.rankings_helpers import NOW
from vitrina.orders import lifecycle
from vitrina.orders.models import Order, OrderEvent
from vitrina.rankings.models import AccountScore
from vitrina.rankings.services import rankings_recompute

pytestmark = pytest.mark.django_db


def _order(buyer, seller, variant, *, placed_days_ago, steps=(), shipped_after_days=None):
    fill_cart(buyer, variant)
    order = place(buyer, seller)
    for to in steps:
        lifecycle.order_transition(order_id=order.pk, actor=seller, to=to)
    placed = NOW - timedelta(days=placed_days_ago)
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    if shipped_after_days is not None:
        OrderEvent.objects.filter(order=order, to_status="shipped").update(
            created_at=placed + timedelta(days=shipped_after_days))
    return order


def test_on_time_and_refund_rates_over_the_window(make_user):
    seller, variant = make_seller(make_user, "linen.shop", stock=50, category="clothing")
    buyer = make_user("buyer")
    shipped = ("confirmed", "shipped")
    for days in (1, 2, 3):  # on time, the third exactly at the limit
        _order(buyer, seller, variant, placed_days_ago=20, steps=shipped, shipped_after_days=days)
    _order(buyer, seller, variant, placed_days_ago=20, steps=shipped, shipped_after_days=4)  # late
    _order(buyer, seller, variant, placed_days_ago=30, steps=(*shipped, "delivered", "refunded"), shipped_after_days=1)
    _order(buyer, seller, variant, placed_days_ago=10)  # never shipped
    _order(buyer, seller, variant, placed_days_ago=10, steps=("cancelled",))  # not counted
    _order(buyer, seller, variant, placed_days_ago=2)  # too recent to judge
    _order(buyer, seller, variant, placed_days_ago=95, steps=shipped, shipped_after_days=1)  # too old

    score = AccountScore.objects.get(run=rankings_recompute(now=NOW), account=seller)

    # Six orders judged: shipped on time 1, 2, 3 days and the refunded one; 4 days late; one never shipped.
    assert score.on_time_rate == pytest.approx(4 / 6) and score.refund_rate == pytest.approx(1 / 6)
    assert (score.on_time_rate_pct, score.refund_rate_pct, score.commerce_score) == (50.0, 50.0, 50.0)


def test_fewer_orders_than_the_minimum_are_not_enough_data(make_user):
    seller, variant = make_seller(make_user, "tiny.shop", stock=50)
    buyer = make_user("buyer")
    for _ in range(4):
        _order(buyer, seller, variant, placed_days_ago=10)

    score = AccountScore.objects.get(run=rankings_recompute(now=NOW), account=seller)

    assert (score.on_time_rate, score.refund_rate, score.commerce_score, score.score) == (None, None, None, None)
    assert score.rank is None
