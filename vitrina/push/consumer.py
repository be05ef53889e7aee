"""The "push" consumer of domain events: a new notification goes to the member's subscribed browsers,
so a shop hears of an order with the page closed."""

from vitrina.events import kinds
from vitrina.push.models import PushSubscription
from vitrina.push.sending import push_send


def handle(events) -> None:
    wanted = [e for e in events if e.kind == kinds.NOTIFICATION_CREATED and e.recipient_id]
    if not wanted:
        return
    by_user: dict[int, list[PushSubscription]] = {}
    for subscription in PushSubscription.objects.filter(user_id__in={e.recipient_id for e in wanted}):
        by_user.setdefault(subscription.user_id, []).append(subscription)
    for event in wanted:
        data = event.data or {}
        message = {"title": "Vitrina", "body": data.get("text", ""), "url": data.get("url", "/notifications/"),
                   "tag": data.get("group", "")}
        for subscription in by_user.get(event.recipient_id, []):
            # A push service that fails loses this one message, never the batch (nothing to roll back:
            # what was sent is sent).
            push_send(subscription, message)
