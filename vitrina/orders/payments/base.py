"""The provider interface: what a payment provider does for an order's Payment.

One class per provider; the registry (orders.payments.registry) picks the class for an order's
payment method from settings.PAYMENT_PROVIDERS. Every method but `parse_webhook` runs inside the
transaction of the order's change that called it, so raising rolls that change back: an order is
never marked refunded without its refund. See docs/payments.md for a real gateway's sketch.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from vitrina.core.errors import ServiceError
from vitrina.orders.models import Payment, PaymentStatus

SUCCEEDED = "payment.succeeded"
FAILED = "payment.failed"
EVENT_TYPES = frozenset({SUCCEEDED, FAILED})


class WebhookRejected(ServiceError):
    """A webhook that is not provably from the provider, or not within the replay window: 400."""

    status = 400
    code = "signature_invalid"


@dataclass(frozen=True)
class Event:
    """A provider's webhook event, verified and parsed into what Vitrina acts on."""

    id: str
    type: str  # SUCCEEDED or FAILED
    reference: str  # the provider's id of the payment (Payment.reference)
    amount: Decimal
    currency: str


class Provider:
    """A payment provider. Subclasses set `name` (the {provider} of the webhook URL and
    Payment.provider) and override what they do; the defaults suit a provider with nothing online."""

    name = ""
    label = _("Payment")
    # Whether the buyer pays on a provider's page (pay_url) and the provider confirms by webhook.
    online = False

    def authorize(self, payment: Payment) -> None:
        """At placement, in its transaction: give the new Payment its reference, if the provider has one.
        Keep network calls out of here (the placement holds stock locks); do them in pay_url's page."""

    def capture(self, payment: Payment) -> None:
        """The money is taken (a card's webhook, the seller marking a transfer paid, cash at delivery)."""
        payment.status = PaymentStatus.CAPTURED

    def refund(self, payment: Payment) -> None:
        """Give captured money back (the order is refunded)."""
        payment.status = PaymentStatus.REFUNDED

    def void(self, payment: Payment) -> None:
        """Drop a payment that was never captured (the order is cancelled, expired, or refunded unpaid)."""
        payment.status = PaymentStatus.FAILED

    def pay_url(self, payment: Payment) -> str | None:
        """Where the buyer pays this payment online; None when there is nothing to pay online."""
        return None

    def parse_webhook(self, *, body: bytes, headers, now: float) -> Event:
        """Verify that `body` comes from the provider (its signature, its timestamp) and parse it, or
        raise WebhookRejected (bad or missing signature, stale timestamp) or InvalidInput (a body
        that is signed but not an event Vitrina knows)."""
        raise WebhookRejected(_("This provider takes no webhooks."), code="webhook_not_supported")
