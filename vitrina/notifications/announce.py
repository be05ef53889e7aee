"""Telling a member's open pages and subscribed phones of a new notification.

The consumer does not call the live socket or Web Push: it writes a NOTIFICATION_CREATED event with
the notifications, in its own transaction, and the "live" and "push" consumers take it from the
outbox like any other event. The sentence is written here, in the recipient's language, because a
push message is shown by the phone as it comes.
"""

from django.urls import reverse
from django.utils import translation

from vitrina.accounts.selectors import language_of
from vitrina.events import kinds
from vitrina.events.services import record
from vitrina.notifications.models import Notification
from vitrina.notifications.present import target_url
from vitrina.notifications.selectors import Item, unread_count
from vitrina.notifications.text import sentence


def announce(fresh: dict[int, dict[int, object]], users: dict) -> None:
    """`fresh`: recipient id -> {notification id: the person who has just joined it}."""
    groups = Notification.objects.in_bulk([pk for joined in fresh.values() for pk in joined])
    for recipient_id, joined in fresh.items():
        recipient = users[recipient_id]
        unread = unread_count(recipient)
        with translation.override(language_of(recipient)):
            for pk, actor in joined.items():
                notification = groups.get(pk)
                if notification is None:  # joined and emptied again in the same batch
                    continue
                item = Item(notification=notification, actors=[actor], count=notification.count)
                record(kinds.NOTIFICATION_CREATED, actor=actor, recipient_id=recipient_id,
                       subject_type="notification", subject_id=pk,
                       data={"text": sentence(item), "url": target_url(item) or reverse("notifications:list"),
                             "group": f"{notification.kind}-{pk}", "unread": unread})
