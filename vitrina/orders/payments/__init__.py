"""Payments behind one provider interface (authorize / capture / refund / webhook).

STUB (interface; the orders-and-payments work fills it in):
- payment_start(order) -> Payment: called by order placement inside its transaction; creates the order's Payment row
  with the provider of order.payment_method (cod, bank_transfer, card).
"""

from vitrina.orders.models import Payment


def payment_start(order) -> Payment:
    return Payment.objects.create(order=order, provider=order.payment_method, amount=order.total,
                                  currency=order.currency)


def payment_follow(order, to_status: str) -> None:
    """STUB (the payments work fills it in): inside the transaction of an order's change, bring its
    Payment along (paid → captured, refunded → the provider's refund, cancelled → voided)."""
    return None


def pay_url(order) -> str | None:
    """STUB (the payments work fills it in): where the buyer pays an unpaid card order (the sandbox
    provider's page), or None when there is nothing to pay online."""
    return None
