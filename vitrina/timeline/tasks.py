"""Background work on timelines: fan-out of a new post, removal of a deleted one.

Run in-process by default (django-tasks' immediate backend) and on RQ workers
when TASKS_BACKEND is "rq" (see README). Both tasks are idempotent, so a retry
after a failure halfway never doubles an entry.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, close_old_connections
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from vitrina.accounts.models import User
from vitrina.social.models import Follow
from vitrina.timeline.models import PulledPost
from vitrina.timeline.pulled import forget as forget_pulled
from vitrina.timeline.store import CHUNK, TimelineUnavailable, get_store, invalidate_redis_timelines

MAX_ATTEMPTS = 3
# Seconds between attempts on a worker: together (about a minute) longer than a database
# restart or a Redis failover, and a worker only waits while nothing else could work either.
RETRY_WAITS = (1, 2, 4, 8, 15, 30)

log = logging.getLogger(__name__)


def active_follower_ids(author_id: int):
    """Followers who opened Vitrina within FEED_ACTIVE_DAYS, in chunks, by keyset on follower id."""
    cutoff = timezone.now() - timedelta(days=settings.FEED_ACTIVE_DAYS)
    rows = Follow.objects.filter(
        target_id=author_id, follower__is_active=True, follower__last_active_at__gte=cutoff
    ).order_by("follower_id")
    after = 0
    while True:
        chunk = list(rows.filter(follower_id__gt=after).values_list("follower_id", flat=True)[:CHUNK])
        if not chunk:
            return
        yield chunk
        after = chunk[-1]


def fan_out_now(*, post_id: int, author_id: int) -> int:
    """Push the post into its author's and active followers' timelines; returns timelines written.

    Accounts at or above FEED_PULL_THRESHOLD followers are not fanned out: readers
    pull their recent posts at read time, so one post of theirs costs O(1) writes.
    """
    store = get_store()
    store.push([author_id], post_id, author_id)
    written = 1
    followers = User.objects.filter(pk=author_id).values_list("followers_count", flat=True).first() or 0
    if followers >= settings.FEED_PULL_THRESHOLD:
        PulledPost.objects.get_or_create(post_id=post_id, defaults={"author_id": author_id})
        forget_pulled(author_id)
        return written
    for chunk in active_follower_ids(author_id):
        store.push(chunk, post_id, author_id)
        written += len(chunk)
    return written


def _in_process() -> bool:
    """True when tasks run inside the request (the immediate backend), where waiting is not allowed."""
    return isinstance(fan_out.get_backend(), ImmediateBackend)


@task()
def fan_out(*, post_id: int, author_id: int, attempt: int = 1) -> None:
    """Fan a post out, retrying through a database restart or a Redis failover.

    On a worker the attempts are spread over RETRY_WAITS: immediate retries all failed
    within the first second of a PostgreSQL restart (bench/faults.py), and the post then
    stayed out of its followers' timelines. In the request (immediate backend) there is
    no waiting: the attempts follow each other.
    """
    on_worker = not _in_process()
    waits = list(RETRY_WAITS) if on_worker else [0] * (MAX_ATTEMPTS - 1)
    while True:
        try:
            fan_out_now(post_id=post_id, author_id=author_id)
            return
        except (DatabaseError, InterfaceError, TimelineUnavailable) as exc:
            if not waits:
                if settings.TIMELINE_STORE == "redis":
                    # Redis stayed down: some timelines lack this post. Rebuild them all when it is back.
                    invalidate_redis_timelines()
                    return
                raise
            wait = waits.pop(0)
            if on_worker:
                log.warning("fan-out of post %s failed (%s); trying again in %s s", post_id, exc, wait)
                time.sleep(wait)
                close_old_connections()  # drop a connection the restart broke; the next query reconnects


@task()
def remove_post(*, post_id: int, author_id: int) -> None:
    store = get_store()
    pulled, _rows = PulledPost.objects.filter(post_id=post_id).delete()
    if pulled:
        forget_pulled(author_id)
    # A pulled post was never fanned out: only its author's own timeline holds it.
    owners = [author_id] if pulled else [author_id] + [o for chunk in active_follower_ids(author_id) for o in chunk]
    store.remove_post(owners, post_id)
