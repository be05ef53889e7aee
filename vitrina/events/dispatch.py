"""Delivering events to their consumers, each exactly once.

A consumer is a function `handle(events: list[Event]) -> None` named in settings.EVENT_CONSUMERS
({name: "dotted.path"}); the events app never imports a consumer's app by name, so the import
arrows keep pointing down (apps write events, consumers read them).

deliver() gives each consumer the events after its offset, in batches, each batch in one transaction
with the consumer's own writes and the new offset: a crash before the commit applies nothing (the batch
comes again), a crash after it has applied everything once. Two deliveries at once take turns on the
offset row (PostgreSQL: FOR UPDATE; SQLite: the write lock taken at BEGIN).

Order: on SQLite writers commit one at a time, so ids are in commit order. On PostgreSQL a transaction
that began earlier may commit after a later one: events are read in (txid, id) order and only those
of transactions older than the oldest one of this database still running, so none is ever skipped.
"""

import logging
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.module_loading import import_string

from vitrina.events.models import ConsumerOffset, Event

log = logging.getLogger(__name__)

BATCH = 500


@cache
def consumers() -> dict:
    return {name: import_string(path) for name, path in settings.EVENT_CONSUMERS.items()}


# The oldest transaction id of this database's other sessions that is still running, as a 64-bit id
# (pg_stat_activity shows 32-bit ids: the epoch is taken from the snapshot's xmax); with none, past
# every finished one and this session's own (its events are visible to it: a test writes and
# delivers in one transaction). Sessions of other
# databases on the same server cannot write these events and must not hold them back. The sessions
# writing events connect as the same role as this one, so their backend_xid is visible to it.
_HORIZON_SQL = """
WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
running AS (
    SELECT (s.xmax >> 32 << 32) | a.backend_xid::text::bigint AS xid, s.xmax
    FROM pg_stat_activity a, s
    WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
)
SELECT coalesce(
    -- an id far above xmax belongs to the epoch before xmax's (its low 32 bits wrapped since)
    (SELECT min(CASE WHEN xid > xmax + 2147483648 THEN xid - 4294967296 ELSE xid END) FROM running),
    (SELECT greatest(xmax, coalesce(pg_current_xact_id_if_assigned()::text::bigint + 1, 0)) FROM s))
"""


def _horizon() -> int | None:
    """PostgreSQL: events of transactions below this id are all final (committed or gone)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_HORIZON_SQL)
        return cursor.fetchone()[0]


def applied(offset: ConsumerOffset) -> Q:
    """The events this offset has passed."""
    if connection.vendor != "postgresql":
        return Q(pk__lte=offset.event_id)
    return Q(txid__lt=offset.txid) | Q(txid=offset.txid, pk__lte=offset.event_id)


def _pending(offset: ConsumerOffset, limit: int, horizon: int | None) -> list[Event]:
    events = Event.objects.select_related("actor", "recipient").exclude(applied(offset))
    if connection.vendor != "postgresql":
        return list(events.order_by("pk")[:limit])
    return list(events.filter(txid__lt=horizon).order_by("txid", "pk")[:limit])


def deliver_to(name: str, handle, *, batch: int = BATCH) -> int:
    """Apply every pending event to one consumer; the number applied."""
    # Taken once for this consumer: events of transactions that end meanwhile wait for the next
    # delivery, which their own commit wakes. Taken again for the next consumer, so the events an
    # earlier one wrote (notifications announce theirs) go out in this delivery.
    horizon = _horizon()
    applied = 0
    while True:
        with transaction.atomic():
            ConsumerOffset.objects.get_or_create(name=name)
            offset = ConsumerOffset.objects.select_for_update().get(name=name)
            events = _pending(offset, batch, horizon)
            if not events:
                return applied
            handle(events)
            last = events[-1]
            ConsumerOffset.objects.filter(name=name).update(txid=last.txid or 0, event_id=last.pk)
        applied += len(events)
        if len(events) < batch:
            return applied


def deliver() -> dict[str, int]:
    """Every consumer brought up to date; events applied per consumer. A consumer that fails is
    logged and tried again at the next delivery (its batch rolled back); the others go on."""
    done = {}
    for name, handle in consumers().items():
        try:
            done[name] = deliver_to(name, handle)
        except Exception:
            log.exception("event consumer %s failed; its events wait for the next delivery", name)
            done[name] = 0
    return done
