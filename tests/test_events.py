"""The domain-event outbox: rows written with the change, delivered to each consumer exactly once."""

import threading

import pytest
from django.db import connection, transaction

from vitrina.events import dispatch, kinds
from vitrina.events.models import ConsumerOffset, Event
from vitrina.events.services import record

pytestmark = pytest.mark.django_db


class Recorder:
    """A consumer that keeps what it was given, and can be told to fail once."""

    def __init__(self):
        self.seen = []
        self.fail_next = False

    def __call__(self, events):
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("consumer crashed")
        self.seen.extend(event.pk for event in events)


@pytest.fixture
def consumer(settings, monkeypatch):
    recorder = Recorder()
    settings.EVENT_CONSUMERS = {"test": "tests.test_events.RECORDER"}
    monkeypatch.setattr("tests.test_events.RECORDER", recorder, raising=False)
    dispatch.consumers.cache_clear()
    yield recorder
    dispatch.consumers.cache_clear()


RECORDER = None


def test_an_event_rolled_back_with_its_change_is_never_written_nor_delivered(make_user, consumer,
                                                                              django_capture_on_commit_callbacks):
    anna = make_user("anna")
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            record(kinds.FOLLOW_CREATED, actor=anna, recipient=anna)
            raise RuntimeError("the change failed")
    assert not Event.objects.exists()
    assert callbacks == []  # no wake-up for a transaction that did not commit
    assert dispatch.deliver() == {"test": 0}


def test_one_wake_up_per_transaction_and_each_event_applied_once(make_user, consumer,
                                                                 django_capture_on_commit_callbacks):
    anna, ben = make_user("anna"), make_user("ben")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        first = record(kinds.FOLLOW_CREATED, actor=anna, recipient=ben, subject=ben)
        second = record(kinds.POST_LIKED, actor=anna, recipient=ben, subject_type="post", subject_id=7,
                        data={"n": 1})
    assert len(callbacks) == 1
    assert (first.subject_type, first.subject_id, second.data) == ("user", ben.pk, {"n": 1})
    assert dispatch.deliver() == {"test": 2}
    assert dispatch.deliver() == {"test": 0}  # delivered again: nothing new, nothing twice
    assert consumer.seen == [first.pk, second.pk]
    assert ConsumerOffset.objects.get(name="test").event_id == second.pk


def test_a_consumer_that_fails_applies_nothing_and_gets_the_batch_again(make_user, consumer):
    anna = make_user("anna")
    events = [record(kinds.POST_LIKED, actor=anna, subject_type="post", subject_id=i) for i in range(3)]
    consumer.fail_next = True
    assert dispatch.deliver() == {"test": 0}
    assert not ConsumerOffset.objects.filter(name="test", event_id__gt=0).exists()
    assert dispatch.deliver() == {"test": 3}
    assert consumer.seen == [e.pk for e in events]


def test_batches_go_on_until_every_event_is_applied(make_user, consumer):
    anna = make_user("anna")
    Event.objects.bulk_create([Event(kind=kinds.POST_LIKED, actor=anna, subject_id=i,
                                     txid=None) for i in range(7)])
    if connection.vendor == "postgresql":
        # bulk_create skips record(): give the rows their transaction's id as record() does.
        Event.objects.update(txid=1)
    assert dispatch.deliver_to("test", consumer, batch=3) == 7
    assert len(consumer.seen) == len(set(consumer.seen)) == 7


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_late_with_a_lower_id_is_not_skipped(make_user, consumer):
    # Transaction A writes its event first (the lower id) but commits after B. A consumer reading
    # by id alone would pass A's id while it is invisible and never see it.
    anna = make_user("anna")
    a_wrote, b_committed, a_may_commit = threading.Event(), threading.Event(), threading.Event()
    ids = {}

    def transaction_a():
        try:
            with transaction.atomic():
                ids["a"] = record(kinds.POST_LIKED, actor=anna, subject_id=1).pk
                a_wrote.set()
                a_may_commit.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=transaction_a)
    thread.start()
    assert a_wrote.wait(30)
    with transaction.atomic():
        ids["b"] = record(kinds.POST_LIKED, actor=anna, subject_id=2).pk
    b_committed.set()
    assert ids["a"] < ids["b"]
    # B's commit woke a delivery, and here is another: while A runs, B waits behind it.
    assert dispatch.deliver() == {"test": 0}
    assert consumer.seen == []
    a_may_commit.set()
    thread.join(30)
    # A's commit woke delivery (record() asks for it after commit): both are applied, A's first.
    dispatch.deliver()
    assert consumer.seen == [ids["a"], ids["b"]]


def test_prune_drops_old_events_every_consumer_applied_and_keeps_the_rest(make_user, consumer, settings):
    from datetime import timedelta

    from django.utils import timezone

    from vitrina.events.tasks import prune_events

    settings.EVENT_RETENTION_DAYS = 30
    anna = make_user("anna")
    old, applied_recent = (record(kinds.POST_LIKED, actor=anna, subject_id=i) for i in range(2))
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert prune_events.call() == 0  # the consumer has not run: nothing is dropped
    dispatch.deliver()
    not_applied = record(kinds.POST_LIKED, actor=anna, subject_id=3)
    Event.objects.filter(pk=not_applied.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert prune_events.call() == 1
    assert set(Event.objects.values_list("pk", flat=True)) == {applied_recent.pk, not_applied.pk}


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_transaction_running_in_another_database_does_not_hold_events_back(make_user, consumer):
    import psycopg

    settings_db = connection.settings_dict
    other = psycopg.connect(host=settings_db["HOST"] or "127.0.0.1", port=settings_db["PORT"] or 5432,
                            user=settings_db["USER"], dbname="postgres")
    try:
        other.execute("SELECT pg_current_xact_id()")  # a running transaction with an id, elsewhere
        event = record(kinds.POST_LIKED, actor=make_user("anna"), subject_id=1)
        dispatch.deliver()
        assert consumer.seen == [event.pk]
    finally:
        other.rollback()
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_changes_queues_one_delivery_until_it_starts(make_user, consumer, monkeypatch, caplog):
    from redis import RedisError

    from vitrina.events import tasks

    class Queue:
        """Stands in for the task queue: counts what is queued; down while `down` is set."""

        queued, down = 0, False

        def enqueue(self):
            if self.down:
                raise RedisError("the queue's Redis is down")
            self.queued += 1

    real, queue = tasks.deliver_events, Queue()
    monkeypatch.setattr(tasks, "deliver_events", queue)
    anna = make_user("anna")
    for i in range(5):
        with transaction.atomic():
            record(kinds.POST_LIKED, actor=anna, subject_id=i)
    assert queue.queued == 1  # one delivery waiting takes all five
    real.call()  # it starts, and delivers them
    assert len(consumer.seen) == 5
    queue.down = True
    with transaction.atomic():
        kept = record(kinds.POST_LIKED, actor=anna, subject_id=8)  # committed all the same
    assert "event delivery could not be queued" in caplog.text
    queue.down = False
    with transaction.atomic():
        record(kinds.POST_LIKED, actor=anna, subject_id=9)
    assert queue.queued == 2  # the queue is back: the next change asks for a delivery again
    real.call()
    assert consumer.seen[-2:] == [kept.pk, kept.pk + 1]


@pytest.mark.django_db(transaction=True)
def test_held_deliveries_wait_for_one_delivery_after_the_block(make_user, consumer, monkeypatch):
    from vitrina.events import tasks
    from vitrina.events.services import deliveries_held

    class Queue:
        queued = 0

        def enqueue(self):
            self.queued += 1

    queue = Queue()
    monkeypatch.setattr(tasks, "deliver_events", queue)
    anna, ben = make_user("anna"), make_user("ben")
    with deliveries_held():
        with transaction.atomic():
            first = record(kinds.FOLLOW_CREATED, actor=anna, recipient=ben, subject=ben)
        with transaction.atomic():
            second = record(kinds.FOLLOW_CREATED, actor=ben, recipient=anna, subject=anna)
    assert queue.queued == 0  # committed, no delivery asked for
    assert dispatch.deliver() == {"test": 2}
    assert consumer.seen == [first.pk, second.pk]
    with transaction.atomic():  # the hold is over: a commit asks for a delivery again
        record(kinds.FOLLOW_DELETED, actor=anna, recipient=ben, subject=ben)
    assert queue.queued == 1
