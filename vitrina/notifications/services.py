"""The member's own writes on their notifications: reading them, and choosing which kinds they get.
(The notifications themselves are written only by the event consumer.)"""

from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.errors import InvalidInput, NotFound
from vitrina.notifications.models import Kind, Notification, NotificationSetting
from vitrina.notifications.selectors import unread_key


def _forget_unread(user_id: int) -> None:
    cache.delete(unread_key(user_id))
    transaction.on_commit(partial(cache.delete, unread_key(user_id)))


def notifications_read(*, user, up_to: int | None = None) -> int:
    """Mark the member's notifications read: all of them, or those up to one of theirs in the list's
    order (a later one that arrived meanwhile stays unread). Returns how many changed; 404 for an id
    that is not theirs."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if up_to is not None:
        mark = Notification.objects.filter(recipient=user, pk=up_to).values_list("position", flat=True).first()
        if mark is None:
            raise NotFound(_("This notification does not exist."))
        unread = unread.filter(position__lte=mark)
    with transaction.atomic():
        changed = unread.update(read_at=timezone.now())
        _forget_unread(user.pk)
    return changed


def notification_settings_update(*, user, changes: dict) -> None:
    """Turn kinds on or off: {kind: bool}; an unknown kind or a value that is not true/false is refused."""
    for kind, enabled in changes.items():
        if kind not in Kind.values:
            raise InvalidInput(_("There is no such kind of notification."), fields={kind: [_("Unknown kind.")]})
        if not isinstance(enabled, bool):
            raise InvalidInput(_("Choose true or false."), fields={kind: [_("Choose true or false.")]})
    with transaction.atomic():
        for kind, enabled in changes.items():
            NotificationSetting.objects.update_or_create(user=user, kind=kind, defaults={"enabled": enabled})
