"""A card provider that needs no outside service: Vitrina's own pay page plays the gateway.

The page's Pay and Decline buttons make the server produce a signed webhook event, as a gateway
would, and hand it to the very code that serves the webhook URL (webhooks.webhook_receive): the
signature is checked and the event applied once, so the webhook path is the real one end to end.
"""

import hashlib
import hmac
import json
import secrets
import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.orders import payments
from vitrina.orders.models import Payment
from vitrina.orders.payments import registry, signing, webhooks
from vitrina.orders.payments.base import EVENT_TYPES, FAILED, SUCCEEDED, Event, Provider
from vitrina.shop import money

REFERENCE_PREFIX = "sbx_"


def webhook_secret() -> str:
    """SANDBOX_WEBHOOK_SECRET, or one derived from SECRET_KEY (stable across restarts, and a leak of
    it does not reveal SECRET_KEY)."""
    configured = getattr(settings, "SANDBOX_WEBHOOK_SECRET", "")
    if configured:
        return configured
    return hmac.new(settings.SECRET_KEY.encode(), b"vitrina.payments.sandbox-webhook", hashlib.sha256).hexdigest()


def _invalid_event() -> InvalidInput:
    return InvalidInput(_("The webhook's body is not a payment event."), code="invalid_event")


def event_parse(body: bytes) -> Event:
    """{"id", "type", "data": {"reference", "amount", "currency"}} → Event, or InvalidInput."""
    try:
        raw = json.loads(body)
        data = raw["data"]
        event = Event(id=str(raw["id"]), type=str(raw["type"]), reference=str(data["reference"]),
                      amount=Decimal(str(data["amount"])), currency=str(data["currency"]))
    except (ValueError, KeyError, TypeError, InvalidOperation):
        raise _invalid_event() from None
    if event.type not in EVENT_TYPES or not event.id or len(event.id) > 100 or not event.amount.is_finite():
        raise _invalid_event()
    return event


class SandboxCard(Provider):
    name = "sandbox"
    label = gettext_lazy("Card (sandbox)")
    online = True

    def authorize(self, payment: Payment) -> None:
        payment.reference = REFERENCE_PREFIX + secrets.token_hex(12)

    def pay_url(self, payment: Payment) -> str | None:
        return reverse("orders:sandbox_pay", args=[payment.reference]) if payment.reference else None

    def parse_webhook(self, *, body: bytes, headers, now: float) -> Event:
        signing.verify(secret=webhook_secret(), header=headers.get(signing.HEADER), body=body, now=now)
        return event_parse(body)

    # --- The gateway's side ----------------------------------------------------------------

    def event_make(self, payment: Payment, event_type: str, *, now: float | None = None) -> tuple[bytes, dict]:
        """The body and headers the sandbox "gateway" sends for `payment`: a new event id each time."""
        timestamp = int(now if now is not None else time.time())
        body = json.dumps({
            "id": "evt_" + secrets.token_hex(12), "type": event_type, "created": timestamp,
            "data": {"reference": payment.reference, "amount": money.as_text(payment.amount, payment.currency),
                     "currency": payment.currency},
        }, separators=(",", ":")).encode()
        return body, {signing.HEADER: signing.header_value(webhook_secret(), timestamp, body)}


# --- The pay page's services (orders.payment_views) ------------------------------------------------


def payment_for_buyer(*, buyer, reference: str) -> Payment:
    """The sandbox payment `reference` of one of `buyer`'s orders; NotFound for anyone else's (and
    when the sandbox is not the configured card provider)."""
    provider = registry.provider_named(SandboxCard.name)
    payment = (Payment.objects.filter(provider=provider.name, reference=reference, order__buyer=buyer)
               .select_related("order__shop__owner").first())
    if payment is None:
        raise NotFound(_("This payment does not exist."))
    return payment


def sandbox_complete(*, buyer, reference: str, succeed: bool) -> str:
    """The buyer pressed Pay (succeed) or Decline: the sandbox gateway signs the event and delivers it
    through webhooks.webhook_receive, the code behind the webhook URL. Conflict if nothing is due."""
    payment = payment_for_buyer(buyer=buyer, reference=reference)
    if payments.pay_url(payment.order) is None:
        raise Conflict(_("This order has nothing left to pay."), code="nothing_to_pay")
    provider = registry.provider_named(SandboxCard.name)
    body, headers = provider.event_make(payment, SUCCEEDED if succeed else FAILED)
    return webhooks.webhook_receive(provider=provider.name, body=body, headers=headers)
