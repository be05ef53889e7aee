"""Fixed-window failure counters in the cache (Redis in production).

`incr` is atomic on Redis, so parallel guesses from many workers all count.
"""

import hashlib
import time

from django.core.cache import cache
from redis import RedisError


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(ident.lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def seconds_blocked(scope: str, idents: list[str], *, limit: int, window: int) -> int:
    """Seconds until the caller may try again, or 0 when it may try now."""
    now = time.time()
    wait = 0
    for ident in idents:
        key = _key(scope, ident)
        count = cache.get(key) or 0
        if count >= limit:
            started = cache.get(key + ":t") or now
            wait = max(wait, int(started + window - now) + 1)
    return wait


def record_failure(scope: str, idents: list[str], *, window: int) -> None:
    now = time.time()
    for ident in idents:
        key = _key(scope, ident)
        cache.add(key + ":t", now, window)
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:
            # The window expired between add and incr: start a new one.
            cache.set(key, 1, window)
            cache.set(key + ":t", now, window)


def reset(scope: str, idents: list[str]) -> None:
    for ident in idents:
        key = _key(scope, ident)
        try:
            cache.delete_many([key, key + ":t"])
        except RedisError:
            return  # Redis is down: a right password still logs in; the counts expire with their window.
