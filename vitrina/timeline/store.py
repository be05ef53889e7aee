"""Home timelines: post ids per member, newest first, in the database or in Redis.

Both stores hold only (post id, author id) pairs and are capped; everything in
them can be rebuilt from follows and posts (vitrina.feed.selectors does it on a
miss), so losing Redis loses nothing. A store that cannot answer raises
TimelineUnavailable and the reader falls back to a plain query over follows.
"""

import time
from functools import cache

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from vitrina.timeline.models import TimelineEntry, TimelineEpoch, TimelineState

# Enough for a member who scrolls a long way (25 pages); older posts come from a query.
# In Redis an entry costs about 105 bytes: 500 of them about 52 KB per active member.
CAPACITY = 500
# Fan-out writes this many rows (or Redis keys) per statement (or pipeline).
CHUNK = 5000


class TimelineUnavailable(Exception):
    """The store did not answer (Redis down); read from the database instead."""


class DatabaseStore:
    def status(self, owner_id: int) -> bool | None:
        """None: not built; True: complete down to the oldest post; False: capped."""
        return TimelineState.objects.filter(owner_id=owner_id).values_list("complete", flat=True).first()

    def replace(self, owner_id: int, entries: list[tuple[int, int]], *, complete: bool) -> None:
        # Plain statements: a member's first read after a while rebuilds up to CAPACITY rows, and
        # making that many model instances cost more than writing them (bench/feed.py, mixed profile).
        entry, state = TimelineEntry._meta.db_table, TimelineState._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {entry} WHERE owner_id = %s", [owner_id])
            cursor.executemany(f"INSERT INTO {entry} (owner_id, post_id, author_id) VALUES (%s, %s, %s)",
                               [(owner_id, post, author) for post, author in entries[:CAPACITY]])
            cursor.execute(f"INSERT INTO {state} (owner_id, complete, built_at) VALUES (%s, %s, %s)"
                           f" ON CONFLICT (owner_id) DO UPDATE SET complete = excluded.complete, built_at = excluded.built_at",
                           [owner_id, complete and len(entries) <= CAPACITY, timezone.now()])

    def push(self, owner_ids: list[int], post_id: int, author_id: int) -> None:
        """Insert in bulk; an entry already there is left alone, so a retried task never doubles it."""
        for start in range(0, len(owner_ids), CHUNK):
            rows = [TimelineEntry(owner_id=o, post_id=post_id, author_id=author_id)
                    for o in owner_ids[start:start + CHUNK]]
            TimelineEntry.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)

    def read_with_status(self, owner_id: int, *, before: int | None, count: int):
        """(status(), read()) together; for Redis in one round trip."""
        status = self.status(owner_id)
        return status, (self.read(owner_id, before=before, count=count) if status is not None else [])

    def read(self, owner_id: int, *, before: int | None, count: int) -> list[tuple[int, int]]:
        rows = TimelineEntry.objects.filter(owner_id=owner_id)
        if before is not None:
            rows = rows.filter(post_id__lt=before)
        return list(rows.order_by("-post_id").values_list("post_id", "author_id")[:count])

    def trim(self, owner_id: int) -> None:
        """Drop what lies beyond the capacity (pushes only append); one indexed read when within it."""
        edge = (TimelineEntry.objects.filter(owner_id=owner_id).order_by("-post_id")
                .values_list("post_id", flat=True)[CAPACITY:CAPACITY + 1])
        if edge:
            TimelineEntry.objects.filter(owner_id=owner_id, post_id__lte=edge[0]).delete()
            TimelineState.objects.filter(owner_id=owner_id).update(complete=False)

    def remove_post(self, owner_ids: list[int] | None, post_id: int) -> None:
        TimelineEntry.objects.filter(post_id=post_id).delete()

    def remove_author(self, owner_id: int, author_id: int) -> None:
        TimelineEntry.objects.filter(owner_id=owner_id, author_id=author_id).delete()

    def entry_count(self, owner_id: int) -> int:
        return TimelineEntry.objects.filter(owner_id=owner_id).count()


# ZADD only into timelines that exist: a member whose timeline expired or was
# never built gets a full rebuild on the next read, not a partial list.
_PUSH = """
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', key, ARGV[1], ARGV[2])
    redis.call('ZREMRANGEBYRANK', key, 0, -(tonumber(ARGV[3]) + 2))
  end
end
return 0
"""
# A built timeline holds this marker (score 0, never read): the key exists even when
# empty, and as the lowest entry it is the first to go when a push trims past the
# capacity, so its presence also says the timeline is complete down to the oldest post.
_COMPLETE = "0:0"


class RedisStore:
    """One sorted set per member: member "post_id:author_id", score post_id."""

    def __init__(self, url: str, prefix: str, ttl: int):
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self.ttl = ttl
        self._push = self.client.register_script(_PUSH)

    def _key(self, owner_id: int) -> str:
        return f"{self.prefix}:tl:{owner_id}"

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except redis.RedisError as exc:
            raise TimelineUnavailable(str(exc)) from exc

    def status(self, owner_id: int) -> bool | None:
        """None: not built (or expired); True: complete down to the oldest post; False: capped."""
        pipe = self.client.pipeline(transaction=False)
        pipe.exists(self._key(owner_id))
        pipe.zscore(self._key(owner_id), _COMPLETE)
        exists, marker = self._call(pipe.execute)
        return None if not exists else marker is not None

    def replace(self, owner_id: int, entries: list[tuple[int, int]], *, complete: bool) -> None:
        key = self._key(owner_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(key)
        marker = {_COMPLETE: 0} if complete and len(entries) <= CAPACITY else {}
        pipe.zadd(key, {**marker, **{f"{p}:{a}": p for p, a in entries[:CAPACITY]}} or {_COMPLETE: 0})
        pipe.expire(key, self.ttl)
        self._call(pipe.execute)

    def push(self, owner_ids: list[int], post_id: int, author_id: int) -> None:
        for start in range(0, len(owner_ids), CHUNK):
            keys = [self._key(o) for o in owner_ids[start:start + CHUNK]]
            self._call(self._push, keys=keys, args=[post_id, f"{post_id}:{author_id}", CAPACITY])

    def read_with_status(self, owner_id: int, *, before: int | None, count: int):
        """(status(), read()) in one round trip: a feed read's common case."""
        key = self._key(owner_id)
        pipe = self.client.pipeline(transaction=False)
        pipe.exists(key)
        pipe.zscore(key, _COMPLETE)
        pipe.zrevrangebyscore(key, f"({before}" if before is not None else "+inf", "(0", start=0, num=count)
        exists, marker, members = self._call(pipe.execute)
        return (None if not exists else marker is not None), self._pairs(members)

    def read(self, owner_id: int, *, before: int | None, count: int) -> list[tuple[int, int]]:
        top = f"({before}" if before is not None else "+inf"
        return self._pairs(self._call(self.client.zrevrangebyscore, self._key(owner_id), top, "(0",
                                      start=0, num=count))

    @staticmethod
    def _pairs(members) -> list[tuple[int, int]]:
        pairs = []
        for member in members:
            post_id, author_id = member.decode().split(":")
            pairs.append((int(post_id), int(author_id)))
        return pairs

    def trim(self, owner_id: int) -> None:
        pass  # Every push trims (see _PUSH).

    def remove_post(self, owner_ids: list[int] | None, post_id: int) -> None:
        if not owner_ids:
            return
        pipe = self.client.pipeline(transaction=False)
        for owner_id in owner_ids:
            pipe.zremrangebyscore(self._key(owner_id), post_id, post_id)
        self._call(pipe.execute)

    def remove_author(self, owner_id: int, author_id: int) -> None:
        key = self._key(owner_id)
        members = self._call(self.client.zrange, key, 0, -1)
        doomed = [m for m in members if m.decode().endswith(f":{author_id}")]
        if doomed:
            self._call(self.client.zrem, key, *doomed)

    def entry_count(self, owner_id: int) -> int:
        return max(0, self._call(self.client.zcard, self._key(owner_id)) - 1)

    def memory_bytes(self, owner_id: int) -> int:
        return int(self._call(self.client.memory_usage, self._key(owner_id)) or 0)


@cache
def _redis_store(url: str, prefix: str, ttl: int) -> RedisStore:
    return RedisStore(url, prefix, ttl)


# The epoch is read at most every few seconds per process: a query per feed read would cost
# more than the read itself, and a bump only has to reach readers soon, not instantly.
EPOCH_READ_EVERY = 5.0
_epoch_seen = {"value": 0, "at": float("-inf")}


def current_epoch() -> int:
    now = time.monotonic()
    if now - _epoch_seen["at"] > EPOCH_READ_EVERY:
        _epoch_seen["value"] = TimelineEpoch.objects.filter(pk=1).values_list("value", flat=True).first() or 0
        _epoch_seen["at"] = now
    return _epoch_seen["value"]


def invalidate_redis_timelines() -> None:
    """Every Redis timeline is rebuilt on its next read (the old keys expire by TTL)."""
    with transaction.atomic():
        epoch, _created = TimelineEpoch.objects.select_for_update().get_or_create(pk=1)
        epoch.value += 1
        epoch.save(update_fields=["value"])
    _epoch_seen["at"] = float("-inf")


def get_store():
    """Redis when TIMELINE_STORE is "redis" (the default with REDIS_URL), else the database."""
    if settings.TIMELINE_STORE == "redis":
        prefix = f"{settings.CACHE_KEY_PREFIX}:{current_epoch()}"
        return _redis_store(settings.REDIS_URL, prefix, settings.TIMELINE_TTL)
    return DatabaseStore()
