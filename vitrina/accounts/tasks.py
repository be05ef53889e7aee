"""Periodic jobs of accounts (declared in the scheduler registry)."""

from datetime import timedelta

from django_tasks import task

from vitrina.accounts.username_services import username_holds_expire
from vitrina.core.scheduler import periodic


@periodic(name="accounts.username_holds_expire", every=timedelta(hours=1))
@task()
def expire_username_holds() -> None:
    # Expired holds already let anyone take the name; deleting them only keeps the table small.
    username_holds_expire()
