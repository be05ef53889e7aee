"""Sending one push message (RFC 8030) encrypted for the browser (RFC 8291) and signed with VAPID (RFC 8292)."""

import base64
import json
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from vitrina.push.keys import vapid
from vitrina.push.models import PushSubscription

log = logging.getLogger(__name__)

TTL_SECONDS = 24 * 3600  # a phone that is off for a day still hears of it
GONE = (404, 410)  # the browser unsubscribed: forget the subscription


def _encrypt(subscription: PushSubscription, payload: bytes) -> bytes:
    def key(value):
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))

    return http_ece.encrypt(payload, private_key=ec.generate_private_key(ec.SECP256R1()),
                            dh=key(subscription.p256dh), auth_secret=key(subscription.auth), version="aes128gcm")


def push_send(subscription: PushSubscription, message: dict) -> bool:
    """Post one message to the subscription's push service; False when it did not take it. A subscription
    the service says is gone is deleted."""
    parts = urlsplit(subscription.endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + 12 * 3600,
              "sub": settings.VAPID_SUBJECT}
    headers = {**vapid().sign(claims), "TTL": str(TTL_SECONDS), "Content-Encoding": "aes128gcm",
               "Content-Type": "application/octet-stream", "Urgency": "normal"}
    body = _encrypt(subscription, json.dumps(message, ensure_ascii=False).encode())
    request = urllib.request.Request(subscription.endpoint, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.PUSH_TIMEOUT) as response:  # noqa: S310 - https, allowed hosts
            return 200 <= response.status < 300
    except urllib.error.HTTPError as exc:
        if exc.code in GONE:
            PushSubscription.objects.filter(pk=subscription.pk).delete()
        else:
            log.warning("push service answered %s for subscription %s", exc.code, subscription.pk)
        return False
    except OSError as exc:
        log.warning("push service unreachable for subscription %s: %s", subscription.pk, exc)
        return False
