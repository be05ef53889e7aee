"""Periodic jobs of the core app (found by `manage.py run_scheduler` in this module)."""

import time
from datetime import timedelta

from django_tasks import task

from vitrina.core.models import ThrottleCounter
from vitrina.core.scheduler import periodic


@periodic(name="throttle_counters_prune", every=timedelta(hours=1))
@task()
def prune_counters() -> int:
    """Drop the database's throttle counters whose window has ended (they only pile up while Redis is down)."""
    return ThrottleCounter.objects.filter(expires_at__lte=time.time()).delete()[0]
