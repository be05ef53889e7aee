"""Reads of orders: a buyer reads their own, a seller their shop's; anyone else gets NotFound."""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from vitrina.core.errors import InvalidInput, NotFound
from vitrina.core.pagination import Page, paginate_desc
from vitrina.orders.models import Order, OrderEvent, OrderLine, OrderStatus

SEARCH_MAX = 100


def not_available() -> NotFound:
    return NotFound(_("This order does not exist."))


def with_details(orders):
    """What an order's page and API shape read (lines, events with their actors, payment, parties),
    in a fixed number of queries however many orders."""
    return orders.select_related("shop__owner", "buyer", "promo_code", "payment").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("order")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
    )


def _one(orders, **lookup) -> Order:
    if "pk" in lookup and not isinstance(lookup["pk"], int):
        raise not_available()
    order = with_details(orders).filter(**lookup).first()
    if order is None:
        raise not_available()
    return order


# --- The buyer's -------------------------------------------------------------------------------


def orders_for_buyer(*, buyer, cursor=None, limit=None) -> Page:
    """The buyer's orders, newest first."""
    return paginate_desc(with_details(Order.objects.filter(buyer=buyer)), cursor=cursor, limit=limit)


def order_for_buyer(*, buyer, number: str | None = None, order_id: int | None = None) -> Order:
    """One of the buyer's orders by its number (pages) or id (API)."""
    lookup = {"pk": order_id} if order_id is not None else {"number": number}
    return _one(Order.objects.filter(buyer=buyer), **lookup)


# --- The seller's ------------------------------------------------------------------------------


def seller_status(raw) -> str:
    """A status filter as asked: '' for all; anything not a status is refused."""
    if raw in (None, ""):
        return ""
    if raw not in OrderStatus.values:
        message = _("Choose one of the order statuses.")
        raise InvalidInput(message, fields={"status": [message]})
    return raw


def _seller_orders(*, seller, status: str = "", search: str = ""):
    orders = Order.objects.filter(shop__owner=seller)
    status = seller_status(status)
    if status:
        orders = orders.filter(status=status)
    text = (search or "").strip()[:SEARCH_MAX]
    if text:
        # An order number is read out upper-case ("V3K…"); a buyer is found by any part of the username.
        orders = orders.filter(Q(number__startswith=text.upper()) | Q(buyer__username__icontains=text.lstrip("@")))
    return orders


def orders_for_seller(*, seller, status: str = "", search: str = "", cursor=None, limit=None) -> Page:
    """The seller's incoming orders, newest first, filtered by status and by number or buyer."""
    return paginate_desc(with_details(_seller_orders(seller=seller, status=status, search=search)),
                         cursor=cursor, limit=limit)


def orders_for_seller_export(*, seller, status: str = "", search: str = ""):
    """Every order the seller's filtered list shows, newest first, for the CSV export (iterated in chunks)."""
    return (_seller_orders(seller=seller, status=status, search=search)
            .select_related("buyer").prefetch_related("lines").order_by("-id"))


def order_counts_for_seller(*, seller) -> dict[str, int]:
    """How many of the seller's orders are in each status, and "" for all of them."""
    rows = Order.objects.filter(shop__owner=seller).values("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in OrderStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    counts[""] = sum(counts.values())
    return counts


def order_for_seller(*, seller, number: str | None = None, order_id: int | None = None) -> Order:
    lookup = {"pk": order_id} if order_id is not None else {"number": number}
    return _one(Order.objects.filter(shop__owner=seller), **lookup)
