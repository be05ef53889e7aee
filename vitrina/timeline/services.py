"""What the posts app tells timelines: a post was published or deleted (called after commit)."""

import logging

from redis import RedisError

from vitrina.timeline import tasks
from vitrina.timeline.store import invalidate_redis_timelines

log = logging.getLogger(__name__)


def post_published(*, post_id: int, author_id: int) -> None:
    try:
        tasks.fan_out.enqueue(post_id=post_id, author_id=author_id)
    except RedisError:
        # The queue (Redis) is down: the post is saved, but nobody's timeline got it.
        # Run it here; if timelines live in that same Redis, have them all rebuilt instead.
        log.warning("fan-out of post %s could not be queued; running it in the request", post_id)
        try:
            tasks.fan_out_now(post_id=post_id, author_id=author_id)
        except tasks.TimelineUnavailable:
            invalidate_redis_timelines()


def post_removed(*, post_id: int, author_id: int) -> None:
    try:
        tasks.remove_post.enqueue(post_id=post_id, author_id=author_id)
    except RedisError:
        # Readers never show a deleted post (they re-check every entry); clean-up can wait.
        log.warning("clean-up of deleted post %s could not be queued", post_id)
