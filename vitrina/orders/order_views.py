"""The seller's pages of orders: incoming orders with status chips and search, an order's page with the
transitions its status allows, a printable packing slip and a CSV export; and what the buyer's and
the seller's order pages share (order_context).

Orders are read through selectors that answer NotFound (the site's 404) for any other shop's order;
changes go through orders.lifecycle, which owns the table of allowed transitions.
"""

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.orders import lifecycle, selectors
from vitrina.orders.models import Order, OrderStatus
from vitrina.shop import money

PAGE_SIZE = 20
# What the seller's button says for each status an order can be moved to.
ACTION_LABELS = {
    OrderStatus.CONFIRMED: gettext_lazy("Confirm order"),
    OrderStatus.PAID: gettext_lazy("Mark as paid"),
    OrderStatus.SHIPPED: gettext_lazy("Mark as shipped"),
    OrderStatus.DELIVERED: gettext_lazy("Mark as delivered"),
    OrderStatus.CANCELLED: gettext_lazy("Cancel order"),
    OrderStatus.REFUNDED: gettext_lazy("Refund"),
}
# Asked again in a sheet before they are made: they end the order and return its units to stock.
DESTRUCTIVE = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


@dataclass
class Step:
    """One entry of an order's timeline."""

    status: str
    label: str
    at: object
    by: str
    note: str


def order_context(order: Order, *, viewer) -> dict:
    """The order, its timeline and its address as lines, for both sides' pages and the slip."""
    steps = []
    for event in order.events.all():
        if event.actor_id is None:
            by = _("automatically")  # a payment provider or the expiry job
        elif event.actor_id == viewer.pk:
            by = _("You")
        else:
            by = event.actor.username
        steps.append(Step(status=event.to_status, label=OrderStatus(event.to_status).label, at=event.created_at,
                          by=by, note=event.note))
    address = order.shipping_address or {}
    place = " ".join(part for part in (address.get("postal_code", ""), address.get("city", "")) if part)
    address_lines = [line for line in (address.get("name"), address.get("line1"), address.get("line2"), place,
                                       address.get("region"), address.get("country"), address.get("phone")) if line]
    return {"order": order, "steps": steps, "address_lines": address_lines,
            "item_count": sum(line.quantity for line in order.lines.all())}


# --- Incoming orders -------------------------------------------------------------------------------


def _filters(request) -> tuple[str, str]:
    status = request.GET.get("status", "")
    return (status if status in OrderStatus.values else ""), request.GET.get("q", "").strip()[:selectors.SEARCH_MAX]


@login_required
def seller_orders(request):
    status, search = _filters(request)
    try:
        page = selectors.orders_for_seller(seller=request.user, status=status, search=search,
                                           cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    except InvalidCursor:
        page = selectors.orders_for_seller(seller=request.user, status=status, search=search, limit=PAGE_SIZE)
    counts = selectors.order_counts_for_seller(seller=request.user)
    chips = [("", _("All"), counts[""])] + [(value, label, counts[value]) for value, label in OrderStatus.choices]
    return render(request, "orders/seller_orders.html", {
        "page": page, "status": status, "search": search, "chips": chips, "total": counts[""]})


# --- One order -------------------------------------------------------------------------------------


def _seller_page(request, order: Order, *, error: ServiceError | None = None, tracking: str = "", status=200):
    allowed = lifecycle.allowed_next(order, request.user)
    actions = [{"to": to, "label": ACTION_LABELS[to], "danger": to in DESTRUCTIVE} for to in allowed]
    context = order_context(order, viewer=request.user)
    context.update({
        "actions": [a for a in actions if not a["danger"]], "danger_actions": [a for a in actions if a["danger"]],
        "ships": OrderStatus.SHIPPED in allowed, "error": error, "tracking": tracking or order.tracking,
        "tracking_max": lifecycle.TRACKING_MAX,
    })
    return render(request, "orders/seller_order.html", context, status=status)


@login_required
@not_found_as_404
def seller_order(request, number: str):
    return _seller_page(request, selectors.order_for_seller(seller=request.user, number=number))


@login_required
@require_POST
@not_found_as_404
def seller_order_transition(request, number: str):
    order = selectors.order_for_seller(seller=request.user, number=number)
    to = request.POST.get("to", "")
    tracking = request.POST.get("tracking")
    try:
        lifecycle.order_transition(order_id=order.pk, actor=request.user, to=to, tracking=tracking,
                                   note=request.POST.get("note", ""))
    except NotFound:
        raise
    except ServiceError as error:
        # Shown on the page itself, with what was typed, so a too-long tracking number can be fixed.
        fresh = selectors.order_for_seller(seller=request.user, number=number)
        return _seller_page(request, fresh, error=error, tracking=tracking or "", status=error.status)
    messages.success(request, _("Order %(number)s is now %(status)s.") % {
        "number": order.number, "status": OrderStatus(to).label.lower()})
    return redirect("orders:seller_order", number=order.number)


@login_required
@not_found_as_404
def seller_order_slip(request, number: str):
    order = selectors.order_for_seller(seller=request.user, number=number)
    return render(request, "orders/slip.html", order_context(order, viewer=request.user))


# --- CSV export ------------------------------------------------------------------------------------

CSV_COLUMNS = ["number", "created", "status", "buyer", "items", "subtotal", "discount", "delivery", "total",
               "currency", "payment", "delivery method", "tracking"]
# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP): a buyer's
# username or a product title must stay text, so such a cell is prefixed with an apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(order: Order) -> list[str]:
    items = "; ".join(f"{line.quantity} × {line.title}" + (f" ({line.variant_name})" if line.variant_name else "")
                      for line in order.lines.all())
    cur = order.currency
    return [csv_cell(value) for value in (
        order.number, order.created_at.isoformat(), order.status, order.buyer.username, items,
        money.as_text(order.subtotal, cur), money.as_text(order.discount, cur),
        money.as_text(order.delivery_price, cur), money.as_text(order.total, cur), cur, order.payment_method,
        order.delivery_method, order.tracking)]


class _Echo:
    """csv.writer's file: each row is handed straight to the response."""

    def write(self, value):
        return value


@login_required
def seller_orders_export(request):
    """The orders the list shows with the same filters, as CSV, streamed (a shop may have many)."""
    status, search = _filters(request)
    orders = selectors.orders_for_seller_export(seller=request.user, status=status, search=search)
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so a spreadsheet reads the file as UTF-8 (Cyrillic and Bengali titles)
        yield writer.writerow(CSV_COLUMNS)
        for order in orders.iterator(chunk_size=500):
            yield writer.writerow(csv_row(order))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orders.csv"'
    return response
