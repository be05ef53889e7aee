"""Emails to the buyer and the seller on each change of an order.

STUB (interface; the orders-and-payments work fills it in):
- order_status_mail(order_id): send after commit (transaction.on_commit(partial(order_status_mail, order_id))).
"""


def order_status_mail(order_id: int) -> None:
    return None
