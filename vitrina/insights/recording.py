"""Recording hits: the cheap path that pages call, and the writes in batches behind it.

`hit()` only appends a tuple to this process's buffer (a few µs, no I/O on the request path). The
buffer leaves the process at the end of a request (`request_done`, connected to request_finished)
once it holds FLUSH_SIZE hits or is INSIGHTS_FLUSH_SECONDS old:

- with REDIS_URL, one RPUSH of compact JSON onto a Redis list; the periodic job `insights.drain`
  (or `flush()`) takes the list in batches of DRAIN_BATCH and writes each with one bulk insert;
- without Redis (the one-machine default), straight into the database with one bulk insert.

Either way the insert ignores conflicts: the unique constraint on (viewer, post, hour) drops a
repeated view of a post within the hour, so a viewer scrolling past a post again counts once.

What counts is decided in `counts()`, the one rule at record time. Viewers that become inactive,
suspended or blocked are dropped later, when the day is folded (vitrina.insights.services).
"""

import json
import logging
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from redis import RedisError

from vitrina.core.cache import VitrinaRedisCache
from vitrina.insights.models import Hit, Kind

log = logging.getLogger(__name__)

# A buffer this full leaves the process at the end of the request that filled it.
FLUSH_SIZE = 500
# Hits taken from the Redis list and written per insert.
DRAIN_BATCH = 5000
LIST_KEY = "insights:hits"
# Kinds a signed-out visitor counts in (views only: reach, follows and orders need an account).
ANONYMOUS_KINDS = frozenset({Kind.POST_VIEW, Kind.PROFILE_VISIT, Kind.WEBSITE_TAP, Kind.TAG_TAP, Kind.PRODUCT_VIEW})

_lock = threading.Lock()
_buffer: list[tuple] = []
_oldest = 0.0  # monotonic time of the oldest hit in the buffer


def counts(*, kind: int, account_id: int | None, viewer_id: int | None, staff: bool = False) -> bool:
    """Whether a hit counts at all: never an account's own doing, never staff, and a signed-out
    visitor only in the kinds that are plain views; nothing while INSIGHTS_RECORD is off."""
    if not account_id or staff or not settings.INSIGHTS_RECORD:
        return False
    if viewer_id is None:
        return kind in ANONYMOUS_KINDS
    return viewer_id != account_id


def hit(*, kind: int, account_id: int, viewer_id: int | None = None, post_id: int | None = None,
        product_id: int | None = None, source: str = "", amount=None, currency: str = "",
        staff: bool = False) -> None:
    """Record one hit for `account_id` (whose insights it counts in) by `viewer_id` (None: signed out)."""
    global _oldest
    if not counts(kind=kind, account_id=account_id, viewer_id=viewer_id, staff=staff):
        return
    row = (int(kind), account_id, viewer_id, post_id, product_id, source[:12],
           None if amount is None else str(amount), currency[:3], time.time())
    with _lock:
        if not _buffer:
            _oldest = time.monotonic()
        _buffer.append(row)


def hit_by(user, **fields) -> None:
    """`hit()` for a page's request.user: signed out → no viewer; staff → not counted."""
    signed_in = user is not None and user.is_authenticated
    hit(viewer_id=user.pk if signed_in else None, staff=signed_in and user.is_staff, **fields)


def _take() -> list[tuple]:
    global _buffer
    with _lock:
        rows, _buffer = _buffer, []
    return rows


def pending() -> int:
    """Hits still in this process's buffer (not yet in Redis or the database)."""
    return len(_buffer)


def discard() -> None:
    """Forget this process's buffer (tests)."""
    _take()


def _redis():
    backend = caches["default"]
    if settings.REDIS_URL and isinstance(backend, VitrinaRedisCache):
        return backend._cache.get_client(write=True), backend.make_key(LIST_KEY)
    return None, None


_COLUMNS = ("kind", "account_id", "viewer_id", "post_id", "product_id", "source", "amount", "currency", "hour",
            "created_at")
# One prepared statement for every row (executemany): model instances through bulk_create cost several
# times as long per hit. ON CONFLICT DO NOTHING (PostgreSQL and SQLite alike) is the constraint's drop.
_INSERT = (f"INSERT INTO {Hit._meta.db_table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
           f"ON CONFLICT DO NOTHING")


# PostgreSQL: the whole batch as one statement over arrays, one per column, the hour and the time computed
# there from the epoch seconds. Per hit that is a fraction of executemany's cost on both sides (measured
# in the feed benchmark's recording A/B, where the drain writes some 400 hits a second).
_INSERT_ARRAYS = (
    f"INSERT INTO {Hit._meta.db_table} ({', '.join(_COLUMNS)}) "
    f"SELECT k, a, v, p, pr, s, am, c, floor(t / 3600)::int, to_timestamp(t) "
    f"FROM unnest(%s::smallint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], "
    f"%s::numeric[], %s::text[], %s::float8[]) AS u(k, a, v, p, pr, s, am, c, t) ON CONFLICT DO NOTHING")


def write_rows(rows: list[tuple]) -> int:
    """Rows as hit() buffers them, in one transaction; a repeated post view within the hour is dropped
    by the unique constraint."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        columns = [list(column) for column in zip(*rows)]
        columns[-1] = [float(at) for at in columns[-1]]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INSERT_ARRAYS, columns)
        return len(rows)
    ops = connection.ops
    values = [(kind, account_id, viewer_id, post_id, product_id, source,
               None if amount is None else ops.adapt_decimalfield_value(Decimal(amount), 14, 3), currency,
               int(at // 3600), ops.adapt_datetimefield_value(datetime.fromtimestamp(at, UTC)))
              for kind, account_id, viewer_id, post_id, product_id, source, amount, currency, at in rows]
    with transaction.atomic(), connection.cursor() as cursor:  # one commit for all the rows
        cursor.executemany(_INSERT, values)
    return len(values)


def _push(client, key, rows: list[tuple]) -> None:
    client.rpush(key, *[json.dumps(row, separators=(",", ":")) for row in rows])


def _send(rows: list[tuple]) -> None:
    """The buffer out of the process: onto the Redis list, or into the database."""
    if not rows:
        return
    client, key = _redis()
    if client is None:
        write_rows(rows)
        return
    try:
        _push(client, key, rows)
    except RedisError:
        # Redis down: write them here rather than lose them (slower, but only while it is down).
        log.warning("insights: Redis did not take %d hits; written directly", len(rows))
        write_rows(rows)


def request_done(**_kwargs) -> None:
    """request_finished: send the buffer on when it is full or old; most requests do nothing here."""
    if not _buffer:
        return
    if len(_buffer) < FLUSH_SIZE and time.monotonic() - _oldest < settings.INSIGHTS_FLUSH_SECONDS:
        return
    try:
        _send(_take())
    except Exception:  # noqa: BLE001 - a lost batch of hits must never fail a page
        log.exception("insights: a batch of hits could not be written")


def drain(*, limit: int | None = None) -> int:
    """Write what waits on the Redis list, DRAIN_BATCH at a time (the periodic job); returns hits written."""
    client, key = _redis()
    if client is None:
        return 0
    written = 0
    while limit is None or written < limit:
        pipe = client.pipeline()  # MULTI: two drainers never take the same batch
        pipe.lrange(key, 0, DRAIN_BATCH - 1)
        pipe.ltrim(key, DRAIN_BATCH, -1)
        raw, _ok = pipe.execute()
        if not raw:
            break
        written += write_rows([tuple(json.loads(item)) for item in raw])
    return written


def flush() -> int:
    """Everything pending written now: this process's buffer and the Redis list (jobs, tests, the bench)."""
    rows = _take()
    client, key = _redis()
    if client is None:
        return write_rows(rows)
    if rows:
        _push(client, key, rows)
    return drain()
