"""Periodic jobs of the rating (found by `manage.py run_scheduler` in this module)."""

from datetime import timedelta

from django_tasks import task

from vitrina.core.scheduler import periodic
from vitrina.rankings.services import rankings_recompute


@periodic(name="rankings.recompute", every=timedelta(days=1))
@task()
def recompute_rankings() -> int:
    """The daily run; safe twice (each run is whole, pages read the latest finished one). Returns its size."""
    return rankings_recompute().accounts
