"""An order's life: one table of allowed transitions, one function that makes them.

placed → confirmed → paid → shipped (tracking) → delivered, and cancelled / refunded. Who may make a
change depends on the step and on how the order is paid: a buyer may cancel only what the seller has
not confirmed yet; a card order is paid by its provider's webhook (the system), a bank transfer by
the seller marking it paid; cash on delivery ships unpaid. Every change writes an OrderEvent (who,
when, from, to); cancel and refund put the units back; mail and payment follow after commit.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.events import kinds
from vitrina.events.services import record
from vitrina.orders import emails, payments, stock
from vitrina.orders.models import Order, OrderEvent, OrderStatus, PaymentMethod
from vitrina.shop import tags

S, M = OrderStatus, PaymentMethod
BUYER, SELLER, SYSTEM = "buyer", "seller", "system"
ALL_METHODS = frozenset(M.values)
TRACKING_MAX = 100


def _rule(*roles, methods=ALL_METHODS) -> dict:
    return {role: frozenset(methods) for role in roles}


CARD, BANK = frozenset({M.CARD}), frozenset({M.BANK_TRANSFER})
# (from, to) → {role: the payment methods for which that role may make the change}. Anything not
# here is not allowed.
TRANSITIONS: dict[tuple[str, str], dict[str, frozenset]] = {
    (S.PLACED, S.CONFIRMED): _rule(SELLER),
    (S.PLACED, S.PAID): {SYSTEM: CARD, SELLER: BANK},
    (S.PLACED, S.CANCELLED): _rule(BUYER, SELLER, SYSTEM),
    (S.CONFIRMED, S.PAID): {SYSTEM: CARD, SELLER: BANK},
    (S.CONFIRMED, S.SHIPPED): _rule(SELLER, methods={M.COD}),  # cash on delivery ships unpaid
    (S.CONFIRMED, S.CANCELLED): _rule(SELLER, SYSTEM),
    (S.PAID, S.SHIPPED): _rule(SELLER),
    (S.PAID, S.REFUNDED): _rule(SELLER),
    (S.SHIPPED, S.DELIVERED): _rule(SELLER),
    (S.SHIPPED, S.REFUNDED): _rule(SELLER),
    (S.DELIVERED, S.REFUNDED): _rule(SELLER),
}
# Ends of an order that return its units to stock.
RELEASES_STOCK = frozenset({S.CANCELLED, S.REFUNDED})
FINAL = frozenset({S.DELIVERED, S.CANCELLED, S.REFUNDED})


def role_of(order: Order, actor) -> str | None:
    if actor is None:
        return SYSTEM
    if actor.pk == order.shop.owner_id:
        return SELLER
    if actor.pk == order.buyer_id:
        return BUYER
    return None


def allowed_next(order: Order, actor) -> list[str]:
    """The statuses `actor` may move the order to now, in the table's order (for the pages' buttons)."""
    role = role_of(order, actor)
    return [to for (frm, to), rule in TRANSITIONS.items()
            if frm == order.status and order.payment_method in rule.get(role, ())]


def _check(order: Order, actor, to: str) -> None:
    role = role_of(order, actor)
    if role is None:
        raise NotFound(_("This order does not exist."))
    if to not in S.values:
        raise InvalidInput(_("Choose one of the order statuses."), code="invalid",
                           fields={"to": [_("Choose one of the order statuses.")]})
    rule = TRANSITIONS.get((order.status, to))
    if rule is None or order.payment_method not in rule.get(role, ()):
        message = _("An order that is %(status)s cannot become %(to)s.") % {
            "status": S(order.status).label.lower(), "to": S(to).label.lower()}
        raise Conflict(message, code="transition_not_allowed", fields={"to": [message]})


def _tracking(raw) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > TRACKING_MAX:
        raise InvalidInput(_("At most %(max)s characters.") % {"max": TRACKING_MAX}, code="invalid",
                           fields={"tracking": [_("At most %(max)s characters.") % {"max": TRACKING_MAX}]})
    return text


def order_transition(*, order_id: int, actor, to: str, tracking=None, note: str = "") -> Order:
    """Move an order to `to` for `actor` (None: the system — a webhook or the expiry job), or raise:
    404 when the actor is neither its buyer nor its seller, 409 transition_not_allowed otherwise.
    The change is a conditional UPDATE on the current status, so two racing changes make one."""
    order = Order.objects.select_related("shop").filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("This order does not exist."))
    _check(order, actor, to)
    fields = {"status": to, "updated_at": timezone.now()}
    if to == S.SHIPPED and tracking is not None:
        fields["tracking"] = _tracking(tracking)
    if to in FINAL:
        fields["expires_at"] = None
    with transaction.atomic():
        changed = Order.objects.filter(pk=order.pk, status=order.status).update(**fields)
        if not changed:
            # Someone else changed it first: say what it is now.
            raise Conflict(_("This order has just changed. Reload it and try again."), code="conflict")
        event = OrderEvent.objects.create(order=order, actor=actor, from_status=order.status, to_status=to,
                                          note=(note or "")[:200])
        record(kinds.ORDER_STATUS_CHANGED, actor=actor, subject=order, data={
            "order": order.pk, "number": order.number, "from": order.status, "to": to,
            "buyer": order.buyer_id, "seller": order.shop.owner_id})
        if to in RELEASES_STOCK:
            stock.stock_release(order)
            product_ids = sorted({pid for pid in order.lines.values_list("product_id", flat=True) if pid})
            if product_ids:
                # A sold-out product back in stock shows so on the cards at once.
                transaction.on_commit(partial(tags.products_changed, product_ids))
        payments.payment_follow(order, to)
        transaction.on_commit(partial(emails.order_status_mail, event.pk))
    order.refresh_from_db()
    return order


def orders_expire(*, now=None) -> int:
    """Cancel unpaid card orders whose time to pay has passed, releasing their stock. Safe to run
    twice at once: each order's change is conditional on its status."""
    now = now or timezone.now()
    due = Order.objects.filter(status__in=[S.PLACED, S.CONFIRMED], payment_method=M.CARD,
                               expires_at__lte=now).values_list(
        "pk", flat=True)
    done = 0
    for order_id in list(due[:1000]):
        try:
            order_transition(order_id=order_id, actor=None, to=S.CANCELLED, note="expired")
            done += 1
        except Conflict:
            continue  # paid or cancelled meanwhile
    return done
