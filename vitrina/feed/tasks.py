"""Periodic jobs of the feed app (found by `manage.py run_scheduler` in this module).

Each builds shared state that Explore's requests only read (vitrina.core.built_state).
Running one twice, or two at once, stores the same build: the newer one stays.
"""

from django.utils import timezone
from django_tasks import task

from vitrina.core.scheduler import periodic
from vitrina.feed.explore import ranking, trending


@periodic(name=ranking.POOL_STATE, every=ranking.POOL_EVERY)
@task()
def build_explore_pool() -> int:
    return ranking.pool_publish(now=timezone.now())


@periodic(name=trending.TRENDS_STATE, every=trending.TRENDS_EVERY)
@task()
def build_trending() -> int:
    return trending.trends_publish(now=timezone.now())
