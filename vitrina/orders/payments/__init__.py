"""Payments behind one provider interface (authorize / capture / refund / webhook).

- base.Provider: the interface; registry: the provider of each payment method (settings.PAYMENT_PROVIDERS);
  builtin: cash on delivery and bank transfer; sandbox: a card provider completed by a signed webhook;
  signing: the webhook signature; webhooks: receiving an event and applying it once.
- The three functions below are what the rest of the orders app calls. docs/payments.md tells the whole.
"""

from vitrina.core.errors import NotFound
from vitrina.orders.models import OrderStatus, Payment, PaymentStatus
from vitrina.orders.payments import registry
from vitrina.orders.payments.base import Provider

S, P = OrderStatus, PaymentStatus


def provider_of(payment: Payment, method: str) -> Provider:
    """The provider that made `payment`; the method's current one if that provider is no longer configured."""
    try:
        return registry.provider_named(payment.provider)
    except NotFound:
        return registry.provider_for(method)


def payment_start(order) -> Payment:
    """At placement, inside its transaction: the order's Payment, authorized by the method's provider."""
    provider = registry.provider_for(order.payment_method)
    payment = Payment(order=order, provider=provider.name, amount=order.total, currency=order.currency)
    provider.authorize(payment)
    payment.save()
    return payment


def payment_follow(order, to_status: str) -> None:
    """Inside the transaction of an order's change to `to_status`, bring its Payment along: paid →
    captured; delivered → captured (cash at the door); refunded → the provider's refund (a void if
    nothing was captured); cancelled → voided (failed). A provider that raises rolls the change back."""
    payment = Payment.objects.select_for_update().filter(order_id=order.pk).first()
    if payment is None:
        return
    provider = provider_of(payment, order.payment_method)
    before = payment.status
    captured = payment.status == P.CAPTURED
    if to_status == S.PAID or (to_status == S.DELIVERED and not captured):
        if not captured:
            provider.capture(payment)
    elif to_status in (S.REFUNDED, S.CANCELLED):
        if captured:
            provider.refund(payment)
        elif payment.status != P.REFUNDED:
            provider.void(payment)
    if payment.status != before:
        payment.save()


def pay_url(order) -> str | None:
    """Where the buyer pays an unpaid order online (the sandbox provider's page), or None when there
    is nothing to pay online: another method, an order paid or ended, or no payment row."""
    if order.status not in (S.PLACED, S.CONFIRMED):
        return None
    try:
        payment = order.payment
    except Payment.DoesNotExist:
        return None
    if payment.status in (P.CAPTURED, P.REFUNDED):
        return None
    provider = provider_of(payment, order.payment_method)
    return provider.pay_url(payment) if provider.online else None
