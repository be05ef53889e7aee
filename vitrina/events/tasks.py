"""Event delivery as a task: enqueued after each transaction that wrote events, and every half
minute by the scheduler, so events whose wake-up was lost (a crash between commit and enqueue, Redis
away) are delivered all the same, a little later."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from vitrina.core.scheduler import periodic
from vitrina.events import dispatch, services
from vitrina.events.models import ConsumerOffset, Event


@periodic(name="events.deliver", every=timedelta(seconds=30))
@task()
def deliver_events() -> dict:
    # Cleared first: events written from now on need a delivery after this one.
    cache.delete(services.WAKE_PENDING)
    return dispatch.deliver()


@periodic(name="events.prune", every=timedelta(hours=6))
@task()
def prune_events() -> int:
    """Drop events older than EVENT_RETENTION_DAYS that every consumer has applied."""
    offsets = {o.name: o for o in ConsumerOffset.objects.filter(name__in=list(settings.EVENT_CONSUMERS))}
    if len(offsets) < len(settings.EVENT_CONSUMERS):
        return 0  # a consumer that never ran has applied nothing
    old = Event.objects.filter(created_at__lt=timezone.now() - timedelta(days=settings.EVENT_RETENTION_DAYS))
    for offset in offsets.values():
        old = old.filter(dispatch.applied(offset))
    return old.delete()[0]
