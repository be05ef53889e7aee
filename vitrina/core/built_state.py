"""Shared state that periodic jobs build and requests only read.

A job (vitrina.core.scheduler) builds something every request needs, such as Explore's
candidate pool, and publishes it here; a request never builds it, it reads the last
build. The database row is the truth: the job runs in the scheduler's process or on a
worker, and the embedded default's cache belongs to each web process. So a request
reads the cache, and on a miss the row, which it keeps in its cache for CACHE_TTL
seconds: a new build reaches every process within that time. Publishing drops the
copy in the publisher's cache, which with Redis is everyone's.

Before the first build there is nothing to read: the caller decides what a cold start
serves (something cheap, never the build itself).
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

from vitrina.core.models import BuiltState

# A reader keeps a build this long: how late a new build may reach a web process
# whose cache is its own, and how long a read that raced a publish may serve the
# previous build.
CACHE_TTL = 30

T = TypeVar("T")


@dataclass(frozen=True)
class Built(Generic[T]):
    value: T
    built_at: datetime


def _key(name: str) -> str:
    return f"built:{name}"


def state_publish(*, name: str, value: Any, built_at: datetime) -> None:
    """Store a build (anything JSON can write) as the one requests read.

    Safe to run twice or at once: of two builds the newer one stays, whichever is
    written last, so an overlapping slow run cannot put an older build back.
    """
    data = json.dumps(value, separators=(",", ":"))
    with transaction.atomic():
        updated = BuiltState.objects.filter(name=name, built_at__lte=built_at).update(data=data, built_at=built_at)
        if not updated:
            # No row yet (or a newer one, which this leaves alone).
            BuiltState.objects.bulk_create([BuiltState(name=name, data=data, built_at=built_at)],
                                           ignore_conflicts=True)
    cache.delete(_key(name))
    _local.pop(name, None)


# And a process keeps what it read this long in its own memory: the cache (Redis, or the
# in-process cache, which pickles too) handed Explore's thousand-candidate pool over as a
# pickle to unpack on every request, a tenth of the request (bench/feed.py).
LOCAL_TTL = 5.0
_local: dict[str, tuple[float, "Built"]] = {}


def forget_local() -> None:
    """Drop what this process keeps (tests start each case with empty caches)."""
    _local.clear()


def state_read(name: str, *, load: Callable[[Any], T]) -> Built[T] | None:
    """The last published build of `name`, or None before the first one.

    `load` turns the stored JSON into what readers use; it runs once per cache fill,
    not once per request.
    """
    held = _local.get(name)
    if held is not None and held[0] > time.monotonic():
        return held[1]
    built = _shared_read(name, load=load)
    if built is not None:
        _local[name] = (time.monotonic() + LOCAL_TTL, built)
    return built


def _shared_read(name: str, *, load: Callable[[Any], T]) -> Built[T] | None:
    built = cache.get(_key(name))
    if built is None:
        row = BuiltState.objects.filter(name=name).values_list("data", "built_at").first()
        if row is None:
            return None
        built = Built(value=load(json.loads(row[0])), built_at=row[1])
        cache.set(_key(name), built, CACHE_TTL)
    return built
