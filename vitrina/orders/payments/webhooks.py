"""Receiving a provider's webhook: verify, then apply each event once.

The one path for every event, whether it came over HTTP (payment_api) or from the sandbox pay
page. Each event id is applied at most once: its WebhookEvent row is inserted in the same
transaction as its effect, so a replay (or a second, concurrent delivery) hits the unique
constraint and changes nothing, and an effect that fails leaves no row behind, so the provider's
retry applies it.
"""

import time
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils.datastructures import CaseInsensitiveMapping
from django.utils.translation import gettext as _

from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.orders import lifecycle
from vitrina.orders.models import Order, OrderStatus, Payment, PaymentStatus, WebhookEvent
from vitrina.orders.payments import registry
from vitrina.orders.payments.base import FAILED, SUCCEEDED, Event, Provider

APPLIED = "applied"  # the event changed the payment (and the order)
DUPLICATE = "duplicate"  # this event id was applied before: nothing changed
IGNORED = "ignored"  # recorded, but nothing to change: the order is paid, cancelled or expired already
UNPAID = frozenset({OrderStatus.PLACED, OrderStatus.CONFIRMED})


def webhook_receive(*, provider: str, body: bytes, headers: Mapping, now: float | None = None) -> str:
    """Verify and apply one webhook delivery to `provider` (its name); APPLIED, DUPLICATE or IGNORED,
    or WebhookRejected (400: signature or timestamp), NotFound (404: provider or payment), InvalidInput
    (422: not an event, or an amount or currency that is not the payment's)."""
    handler = registry.provider_named(provider)
    event = handler.parse_webhook(body=body, headers=CaseInsensitiveMapping(dict(headers)),
                                  now=time.time() if now is None else now)
    return webhook_apply(provider=handler, event=event)


def webhook_apply(*, provider: Provider, event: Event) -> str:
    """Apply a verified event once (callers: webhook_receive; tests of a provider's parsing may skip to here)."""
    payment = Payment.objects.filter(provider=provider.name, reference=event.reference).first()
    if payment is None:
        raise NotFound(_("There is no payment with this reference."), code="payment_not_found")
    if event.amount != payment.amount or event.currency != payment.currency:
        # Someone paid a different sum than the order's: never mark the order paid for it.
        message = _("The event's amount or currency is not the payment's.")
        raise InvalidInput(message, code="amount_mismatch", fields={"amount": [message]})
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(provider=provider.name, event_id=event.id)
            return _effect(payment_id=payment.pk, order_id=payment.order_id, event=event)
    except IntegrityError:
        # A concurrent delivery of the same event waited on the unique index and finds it taken.
        if WebhookEvent.objects.filter(provider=provider.name, event_id=event.id).exists():
            return DUPLICATE
        raise


def _effect(*, payment_id: int, order_id: int, event: Event) -> str:
    # The order's row first, then the payment's: the order's changes (lifecycle, the expiry job) take
    # them in this order, so the two never wait on each other in a cycle.
    order = Order.objects.select_for_update().get(pk=order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if order.status not in UNPAID or payment.status in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED):
        # Paid already, or cancelled / expired: a late success does not bring the order back (its
        # money goes back through the provider's dashboard, see docs/payments.md).
        return IGNORED
    if event.type == SUCCEEDED:
        try:
            # payment_follow captures the payment in this same transaction.
            lifecycle.order_transition(order_id=order.pk, actor=None, to=OrderStatus.PAID,
                                       note=f"{event.id}")
        except Conflict:
            return IGNORED
        return APPLIED
    if event.type == FAILED:
        # The order stays unpaid until it expires; the buyer may try again meanwhile.
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED)
        return APPLIED
    return IGNORED
