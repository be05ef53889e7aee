"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<raw body>", sent as
`Vitrina-Signature: t=<unix seconds>,v1=<hex digest>` (the scheme Stripe uses, so a gateway's own
scheme is a small change). The timestamp is signed, so an old event cannot be re-dated, and an
event outside the window is refused, so a captured request cannot be replayed later."""

import hashlib
import hmac

from django.utils.translation import gettext as _

from vitrina.orders.payments.base import WebhookRejected

HEADER = "Vitrina-Signature"
# Seconds an event's timestamp may be from the server's clock, either way.
TOLERANCE = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header_value(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


def _parts(value: str) -> tuple[int | None, list[str]]:
    timestamp, digests = None, []
    for part in value.split(","):
        key, _sep, item = part.strip().partition("=")
        if key == "t" and item.isdigit() and len(item) <= 12:
            timestamp = int(item)
        elif key == "v1" and item:
            digests.append(item)  # several while a secret is being rotated
    return timestamp, digests


def verify(*, secret: str, header: str | None, body: bytes, now: float, tolerance: int = TOLERANCE) -> int:
    """The signed timestamp, or WebhookRejected: no header, no matching v1, or a timestamp more than
    `tolerance` seconds before or after `now`."""
    if not header:
        raise WebhookRejected(_("The webhook has no %(header)s header.") % {"header": HEADER},
                              code="signature_missing")
    timestamp, digests = _parts(header)
    if timestamp is None or not digests:
        raise WebhookRejected(_("The webhook's signature header cannot be read."), code="signature_invalid")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, digest) for digest in digests):
        raise WebhookRejected(_("The webhook's signature does not match."), code="signature_invalid")
    # Checked after the signature, so a forger learns nothing from the answer about the clock.
    if abs(now - timestamp) > tolerance:
        raise WebhookRejected(_("The webhook's timestamp is outside the %(seconds)s-second window.")
                              % {"seconds": tolerance}, code="signature_expired")
    return timestamp
