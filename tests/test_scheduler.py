"""The scheduler of periodic jobs: due or not, failures isolated, restarts, a clean stop."""

import os
import signal
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import task
from freezegun import freeze_time

from vitrina.core import scheduler
from vitrina.core.models import ScheduledJobRun
from vitrina.core.scheduler import PeriodicJob

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


@task()
def hourly_job():
    CALLS.append("hourly")


@task()
def daily_job():
    CALLS.append("daily")


@task()
def broken_job():
    CALLS.append("broken")
    raise RuntimeError("job bug")


class Unqueueable:
    """A task whose queue does not answer (RQ with its Redis down)."""

    def enqueue(self):
        CALLS.append("unqueueable")
        raise ConnectionError("queue down")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def jobs(*items):
    return {job.name: job for job in items}


HOURLY = PeriodicJob(name="hourly", every=timedelta(hours=1), task=hourly_job)
DAILY = PeriodicJob(name="daily", every=timedelta(days=1), task=daily_job)
BROKEN = PeriodicJob(name="broken", every=timedelta(hours=1), task=broken_job)


def test_every_job_runs_first_then_only_when_its_period_has_passed():
    registry = jobs(HOURLY, DAILY)
    with freeze_time("2026-03-01 10:00:00"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {"hourly": "enqueued", "daily": "enqueued"}
    with freeze_time("2026-03-01 10:59:59"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {}
        assert scheduler.seconds_to_next(now=timezone.now(), jobs=registry) == 1
    with freeze_time("2026-03-01 11:00:00"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {"hourly": "enqueued"}
    with freeze_time("2026-03-02 10:00:00"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {"hourly": "enqueued", "daily": "enqueued"}
    assert CALLS == ["hourly", "daily", "hourly", "hourly", "daily"]


def test_a_failing_job_does_not_stop_the_others_and_waits_for_its_next_period(caplog):
    registry = jobs(BROKEN, HOURLY)
    with freeze_time("2026-03-01 10:00:00"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {"broken": "failed", "hourly": "enqueued"}
    assert "periodic job broken failed" in caplog.text and "job bug" in caplog.text
    with freeze_time("2026-03-01 10:00:30"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {}  # not retried every tick
    assert CALLS == ["broken", "hourly"]


def test_a_job_that_cannot_be_queued_is_retried_and_the_others_still_run(caplog):
    registry = jobs(PeriodicJob(name="unqueueable", every=timedelta(hours=1), task=Unqueueable()), HOURLY)
    with freeze_time("2026-03-01 10:00:00"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {"unqueueable": "not queued",
                                                                      "hourly": "enqueued"}
    with freeze_time("2026-03-01 10:00:30"):
        assert scheduler.run_due(now=timezone.now(), jobs=registry) == {"unqueueable": "not queued"}
    assert "could not be queued" in caplog.text
    assert not ScheduledJobRun.objects.filter(name="unqueueable").exists()


def test_a_restarted_scheduler_does_not_rerun_what_ran_recently():
    with freeze_time("2026-03-01 10:00:00"):
        scheduler.run_due(now=timezone.now(), jobs=jobs(HOURLY, DAILY))
    # A new process: nothing kept in memory, only what the database holds.
    with freeze_time("2026-03-01 10:30:00"):
        assert scheduler.due_jobs(now=timezone.now(), jobs=jobs(HOURLY, DAILY)) == []
    assert ScheduledJobRun.objects.get(name="daily").last_run_at.isoformat() == "2026-03-01T10:00:00+00:00"


def test_periodic_registers_the_task_and_refuses_a_period_of_zero():
    try:
        assert scheduler.periodic(name="test-hourly", every=timedelta(hours=1))(hourly_job) is hourly_job
        assert scheduler.JOBS["test-hourly"] == PeriodicJob("test-hourly", timedelta(hours=1), hourly_job)
    finally:
        scheduler.JOBS.pop("test-hourly", None)
    with pytest.raises(ValueError):
        scheduler.periodic(name="never", every=timedelta(0))


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_due_jobs_and_stops_cleanly_on_sigterm(monkeypatch, capsys):
    # The apps' jobs declared first, as any earlier test would have: a tasks module first imported by the
    # command would otherwise register into the test's own list (run alone, this test saw events.*).
    autodiscover_modules("tasks")
    monkeypatch.setattr(scheduler, "JOBS", jobs(HOURLY, BROKEN))
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    # SIGTERM arrives once both jobs have run (the immediate backend runs them in this process).
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("run_scheduler")
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    out = capsys.readouterr().out
    assert "Scheduler started; periodic jobs: hourly (every 1:00:00), broken (every 1:00:00)" in out
    assert out.rstrip().endswith("Scheduler stopped.")
    assert sorted(CALLS) == ["broken", "hourly"]
    assert set(ScheduledJobRun.objects.values_list("name", flat=True)) == {"hourly", "broken"}
