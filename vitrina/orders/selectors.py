"""Reads of orders: a buyer reads their own, a seller their shop's; anyone else gets NotFound."""

from django.utils.translation import gettext as _

from vitrina.core.errors import NotFound
from vitrina.orders.models import Order


def not_available() -> NotFound:
    return NotFound(_("This order does not exist."))


def order_for_buyer(*, buyer, number: str) -> Order:
    order = Order.objects.filter(buyer=buyer, number=number).select_related("shop__owner").first()
    if order is None:
        raise not_available()
    return order
