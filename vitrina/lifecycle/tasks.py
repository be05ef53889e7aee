"""Background and periodic work of the account lifecycle (django-tasks; see vitrina.core.scheduler)."""

from datetime import timedelta

from django_tasks import task

from vitrina.core.scheduler import periodic
from vitrina.lifecycle import exports, purge


@task()
def build_export(*, export_id: int) -> None:
    exports.build(export_id=export_id)


@periodic(name="lifecycle.expire_exports", every=timedelta(hours=1))
@task()
def expire_exports() -> int:
    return exports.expire_due()


@periodic(name="lifecycle.purge_deleted_accounts", every=timedelta(hours=1))
@task()
def purge_deleted_accounts() -> int:
    return purge.purge_due()
