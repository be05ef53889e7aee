"""Saving and removing a browser's push subscription."""

import base64
import binascii
import fnmatch
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.core.errors import InvalidInput, NotFound
from vitrina.push.models import PushSubscription


def _decoded(value, size: int, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise InvalidInput(_("This is not a browser's push key."), code="invalid", fields={field: [_("Invalid key.")]})
    return text


def _endpoint(value) -> str:
    """A push service's address: https on one of PUSH_SERVICE_HOSTS, so Vitrina never posts to an address
    a member chose (an internal service, say)."""
    url = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = any(fnmatch.fnmatch(host, pattern) for pattern in settings.PUSH_SERVICE_HOSTS)
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in settings.PUSH_HTTP_HOSTS)
    if len(url) > 1000 or not secure or not allowed:
        raise InvalidInput(_("This push service is not one Vitrina sends to."), code="invalid_endpoint",
                           fields={"endpoint": [_("Not a known push service.")]})
    return url


def subscription_save(*, user, endpoint, p256dh, auth, user_agent: str = "") -> PushSubscription:
    """Keep (or move to this member) the browser's subscription; the browser gives the same endpoint again
    after a new subscribe, so it is the key."""
    endpoint = _endpoint(endpoint)
    fields = {"user": user, "p256dh": _decoded(p256dh, 65, "keys.p256dh"), "auth": _decoded(auth, 16, "keys.auth"),
              "user_agent": (user_agent or "")[:200]}
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(endpoint=endpoint, defaults=fields)
    return subscription


def subscription_delete(*, user, endpoint) -> None:
    deleted = PushSubscription.objects.filter(user=user, endpoint=endpoint if isinstance(endpoint, str) else "").delete()
    if not deleted[0]:
        raise NotFound(_("Not found."))
