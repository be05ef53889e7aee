"""Domain events turned into hits: the consumer named "insights" in EVENT_CONSUMERS.

Follows and unfollows (with the source the follow button sent: post, profile, explore, search) and
orders placed (with their total and currency) are recorded from the events their services write, so
the follow graph and checkout know nothing of insights. The hits are written in the consumer's
transaction, which also moves its offset: each event is counted once. A hit takes the event's time.
"""

from vitrina.events import kinds
from vitrina.insights import recording
from vitrina.insights.models import Kind, Source
from vitrina.orders.models import Order, OrderStatus

SOURCES = frozenset(Source.values)


def _source(data: dict) -> str:
    source = data.get("source")
    return source if source in SOURCES else ""


def _row(kind: int, *, account_id, viewer_id, event, source="", amount=None, currency=""):
    if not recording.counts(kind=kind, account_id=account_id, viewer_id=viewer_id):
        return None
    return (int(kind), account_id, viewer_id, None, None, source,
            None if amount is None else str(amount), currency, event.created_at.timestamp())


def handle(events) -> None:
    placed = [e for e in events if e.kind == kinds.ORDER_STATUS_CHANGED
              and (e.data or {}).get("to") == OrderStatus.PLACED and isinstance(e.data.get("order"), int)]
    placed_ids = {e.pk for e in placed}
    orders = Order.objects.in_bulk([e.data["order"] for e in placed]) if placed else {}
    rows = []
    for event in events:
        data = event.data or {}
        if event.kind == kinds.FOLLOW_CREATED:
            rows.append(_row(Kind.FOLLOW, account_id=event.recipient_id, viewer_id=event.actor_id, event=event,
                             source=_source(data)))
        elif event.kind == kinds.FOLLOW_DELETED and isinstance(data.get("target"), int):
            rows.append(_row(Kind.UNFOLLOW, account_id=data["target"], viewer_id=data.get("follower"), event=event,
                             source=_source(data)))
        elif event.pk in placed_ids:
            order = orders.get(data["order"])
            if order is not None:
                rows.append(_row(Kind.ORDER, account_id=data.get("seller"), viewer_id=order.buyer_id, event=event,
                                 source=Source.SHOP, amount=order.total, currency=order.currency))
    recording.write_rows([row for row in rows if row is not None])
