"""Delivered orders for the review tests, driven through the real checkout and lifecycle."""

from tests.checkout_helpers import fill_cart, place
from vitrina.orders import lifecycle


def deliver(order, seller):
    """A cash-on-delivery order taken through confirmed, shipped and delivered by its seller."""
    for to in ("confirmed", "shipped", "delivered"):
        order = lifecycle.order_transition(order_id=order.pk, actor=seller, to=to)
    return order


def delivered_order(buyer, seller, *variants, quantity=1):
    """An order of one line per variant, delivered."""
    for variant in variants:
        fill_cart(buyer, variant, quantity)
    return deliver(place(buyer, seller), seller)
