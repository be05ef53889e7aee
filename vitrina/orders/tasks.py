"""Periodic jobs of the orders app (found by `manage.py run_scheduler` in this module)."""

from datetime import timedelta

from django_tasks import task

from vitrina.core.scheduler import periodic
from vitrina.orders import lifecycle


@periodic(name="orders.expire_unpaid", every=timedelta(minutes=1))
@task()
def expire_unpaid_orders() -> int:
    """Cancel card orders not paid in CARD_PAYMENT_TIMEOUT, returning their stock."""
    return lifecycle.orders_expire()
