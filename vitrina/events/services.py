"""Writing events: record() inside the transaction of the change it describes."""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from redis import RedisError

from vitrina.events.models import Event

log = logging.getLogger(__name__)

# Set while a delivery is queued and not yet started (deliver_events clears it as it starts); it expires
# on its own, so a job lost with a worker holds nothing back for long (and the scheduler delivers anyway).
WAKE_PENDING = "events:delivery-queued"
WAKE_PENDING_SECONDS = 10

# pg_current_xact_id() gives the transaction its id (it has one anyway, as it writes).
_PG_TXID = "pg_current_xact_id()::text::bigint"


def record(kind: str, *, actor=None, recipient=None, recipient_id: int | None = None, subject=None,
           subject_type: str = "", subject_id: int | None = None, data: dict | None = None) -> Event:
    """Write one event in the caller's transaction (it commits or rolls back with the change), and
    have the consumers woken after commit. `subject` is a model instance (its type is its model's
    name) or subject_type and subject_id are given. `recipient_id` stands for `recipient` where
    the caller has only the id (a post's author_id): no read just to name them."""
    if subject is not None:
        subject_type, subject_id = subject._meta.model_name, subject.pk
    whom = {"recipient": recipient} if recipient is not None or recipient_id is None else {
        "recipient_id": recipient_id}
    event = Event.objects.create(
        txid=RawSQL(_PG_TXID, []) if connection.vendor == "postgresql" else None,
        kind=kind, actor=actor, subject_type=subject_type, subject_id=subject_id, data=data or {}, **whom,
    )
    _wake_after_commit()
    return event


def _wake_after_commit() -> None:
    # One wake-up per transaction, however many events it writes. Django drops the callbacks of a
    # rolled-back transaction or savepoint from run_on_commit, so this check never loses a wake-up.
    conn = transaction.get_connection()
    if any(func is _wake for _sids, func, _robust in conn.run_on_commit):
        return
    transaction.on_commit(_wake)


_held = threading.local()


@contextmanager
def deliveries_held():
    """Commits in this thread wake no delivery until the block ends; the caller delivers once after
    (dispatch.deliver). For bulk writers such as the demo's seeding: hundreds of small transactions
    would otherwise each run every consumer over the few events they wrote. Other threads (requests)
    are not held."""
    depth = getattr(_held, "depth", 0)
    _held.depth = depth + 1
    try:
        yield
    finally:
        _held.depth = depth


def _wake() -> None:
    if not settings.EVENT_CONSUMERS or getattr(_held, "depth", 0):
        return
    from vitrina.events.tasks import deliver_events  # tasks imports the dispatcher, which imports the consumers

    # One delivery waiting in the queue is enough: it takes every event written until it starts. A burst
    # of writes would otherwise queue one job per transaction ahead of other work (the feed's fan-out).
    if not cache.add(WAKE_PENDING, 1, timeout=WAKE_PENDING_SECONDS):
        return
    try:
        deliver_events.enqueue()
    except RedisError:
        # The queue (Redis) is down: the change and its events are committed, and the scheduler's
        # delivery every half minute takes them once the queue is back. The request goes on; the next
        # change tries the queue again.
        log.warning("event delivery could not be queued; the scheduler will deliver")
        try:
            cache.delete(WAKE_PENDING)
        except RedisError:
            pass
