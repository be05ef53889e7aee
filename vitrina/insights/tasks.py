"""Periodic jobs of insights (found by `manage.py run_scheduler` in this module)."""

from datetime import timedelta

from django_tasks import task

from vitrina.core.scheduler import periodic
from vitrina.insights import audience, recording, services


@periodic(name="insights.drain", every=timedelta(seconds=30))
@task()
def insights_drain() -> int:
    """The hits waiting on the Redis list (or in this process's buffer) into the database."""
    return recording.flush()


@periodic(name="insights.fold", every=timedelta(minutes=15))
@task()
def insights_fold() -> None:
    """Today and yesterday folded again, so the screens are at most a quarter of an hour behind."""
    recording.flush()
    services.fold_recent()


@periodic(name="insights.prune", every=timedelta(days=1))
@task()
def insights_prune() -> None:
    services.prune()


@periodic(name="insights.audiences", every=audience.EVERY)
@task()
def insights_audiences() -> int:
    """Every creator and business account's audience counted again (the page reads the rows)."""
    return audience.audiences_count()
