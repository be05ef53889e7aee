"""Fixed-window counters for log-in throttling and write limits.

Every decision counts first and decides on the count it got back (Redis INCR, or
an atomic upsert in the database), so parallel requests cannot all read "9 of 10"
and all go through. Counters live in the cache (Redis in production, the
in-process cache on one machine). When Redis does not answer they move to the
database table core_throttlecounter, so limits hold during an outage.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from redis import RedisError

from vitrina.core.cache import VitrinaRedisCache
from vitrina.core.errors import Throttled
from vitrina.core.models import ThrottleCounter

log = logging.getLogger(__name__)


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(str(ident).lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def _redis():
    """The raw Redis client behind the cache, or None for other cache backends.

    The cache's own incr swallows Redis errors (it is built for reads that may
    miss), which would turn every limit off during an outage.
    """
    backend = caches["default"]
    if isinstance(backend, VitrinaRedisCache):
        return backend._cache.get_client(write=True)
    return None


# --- The three stores --------------------------------------------------------

def _redis_hit(client, key: str, window: int) -> tuple[int, int]:
    full = cache.make_key(key)
    pipe = client.pipeline()
    pipe.set(full, 0, ex=window, nx=True)
    pipe.incr(full)
    pipe.ttl(full)
    _created, count, ttl = pipe.execute()
    if ttl < 0:
        # The key expired between SET and INCR and came back without a lifetime.
        client.expire(full, window)
        ttl = window
    return int(count), int(ttl)


def _local_hit(key: str, window: int) -> tuple[int, int]:
    now = time.time()
    cache.add(key + ":t", now, window)
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between add and incr: start a new one.
        cache.set(key, 1, window)
        cache.set(key + ":t", now, window)
        count = 1
    started = cache.get(key + ":t") or now
    return count, int(started + window - now)


_UPSERT = """
INSERT INTO core_throttlecounter (key, count, started_at, expires_at) VALUES (%s, 1, %s, %s)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN core_throttlecounter.expires_at <= %s THEN 1 ELSE core_throttlecounter.count + 1 END,
  started_at = CASE WHEN core_throttlecounter.expires_at <= %s
               THEN excluded.started_at ELSE core_throttlecounter.started_at END,
  expires_at = CASE WHEN core_throttlecounter.expires_at <= %s
               THEN excluded.expires_at ELSE core_throttlecounter.expires_at END
RETURNING count, expires_at
"""


def _db_hit(key: str, window: int) -> tuple[int, int]:
    # One statement, so the row lock (PostgreSQL) or the write lock (SQLite) makes it atomic.
    now = time.time()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, now, now + window, now, now, now])
        count, expires_at = cursor.fetchone()
    return int(count), int(expires_at - now)


def _hit(key: str, window: int) -> tuple[int, int]:
    """Count one event; the count in this window and the seconds left in it."""
    client = _redis()
    if client is None:
        return _local_hit(key, window)
    try:
        return _redis_hit(client, key, window)
    except RedisError as exc:
        log.warning("throttle counted in the database, Redis did not answer: %s", exc)
        return _db_hit(key, window)


def _read(key: str, window: int) -> tuple[int, int]:
    """The count and seconds left of a window, without counting."""
    now = time.time()
    client = _redis()
    if client is None:
        count = cache.get(key) or 0
        started = cache.get(key + ":t") or now
        return int(count), int(started + window - now)
    full = cache.make_key(key)
    try:
        pipe = client.pipeline()
        pipe.get(full)
        pipe.ttl(full)
        count, ttl = pipe.execute()
        return int(count or 0), max(0, int(ttl))
    except RedisError as exc:
        log.warning("throttle read from the database, Redis did not answer: %s", exc)
    row = ThrottleCounter.objects.filter(key=key, expires_at__gt=now).values_list("count", "expires_at").first()
    return (row[0], int(row[1] - now)) if row else (0, 0)


def _forget(keys: list[str]) -> None:
    try:
        cache.delete_many([k for key in keys for k in (key, key + ":t")])
    except RedisError:
        ThrottleCounter.objects.filter(key__in=keys).delete()


def _undo(key: str) -> None:
    client = _redis()
    try:
        if client is None:
            cache.decr(key)
        else:
            client.decr(cache.make_key(key))
    except ValueError:
        pass  # the window ended meanwhile
    except RedisError:
        ThrottleCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


# --- The interface -------------------------------------------------------------

def hit(scope: str, idents: list[str], *, limit: int, window: int) -> int:
    """Count one attempt for each ident; the seconds to wait if any is now over `limit`, else 0."""
    wait = 0
    for ident in idents:
        count, left = _hit(_key(scope, ident), window)
        if count > limit:
            wait = max(wait, left + 1)
    return wait


def undo(scope: str, idents: list[str]) -> None:
    """Take back one counted attempt (it turned out not to be a failure)."""
    for ident in idents:
        _undo(_key(scope, ident))


def seconds_blocked(scope: str, idents: list[str], *, limit: int, window: int) -> int:
    """Seconds until the caller may try again, or 0 when it may try now (counts nothing).

    Check-then-act: parallel callers may all pass. Where that matters, use `hit`.
    """
    wait = 0
    for ident in idents:
        key = _key(scope, ident)
        count, left = _read(key, window)
        if count >= limit:
            wait = max(wait, max(left, 0) + 1)
    return wait


def record_failure(scope: str, idents: list[str], *, window: int) -> None:
    for ident in idents:
        _hit(_key(scope, ident), window)


def reset(scope: str, idents: list[str]) -> None:
    _forget([_key(scope, ident) for ident in idents])


# --- Write limits ----------------------------------------------------------------

def rate_limit(*, action: str, ident) -> None:
    """Count one `action` by `ident` (an account id, or an address for sign-up) against
    settings.RATE_LIMITS[action]; raise Throttled (429 with Retry-After) once over.

    Called by the services, so the API, the pages and anything else that writes agree.
    A new kind of write (messages) adds its entry to RATE_LIMITS; an unknown action is a
    KeyError rather than a limit that silently never applies.
    """
    wait = 0
    for limit, window in settings.RATE_LIMITS[action]:
        count, left = _hit(_key(f"rate:{action}:{window}", str(ident)), window)
        if count > limit:
            wait = max(wait, left + 1)
    if wait:
        raise Throttled(_("You are doing that too often. Try again later."), retry_after=wait)
