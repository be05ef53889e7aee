"""The one registry of periodic jobs, and the loop that runs them.

An app declares a job next to its code, in its `tasks` module (the scheduler
imports every installed app's `tasks` module to find them), with
`@periodic(name=..., every=...)` on a django-tasks task; the scheduler
(`manage.py run_scheduler`, started by `make run`; `make scheduler` in production)
enqueues each job when it is due. Jobs must be idempotent and safe to run twice:
a scheduler restart or two schedulers for a moment may run one twice.

With the immediate tasks backend a job runs inside the scheduler process; with RQ
it runs on a worker. The time of each enqueue is kept in the database
(ScheduledJobRun), so a restart runs only what is due, not everything at once.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.utils import timezone
from django_tasks import TaskResultStatus

from vitrina.core.models import ScheduledJobRun

log = logging.getLogger(__name__)

# The loop wakes at least this often, so a job registered with a short period, a
# changed clock or a stop request is noticed within this many seconds.
MAX_SLEEP = 30.0
# After a job could not be enqueued (the queue's Redis down), try it again this soon.
RETRY_AFTER = timedelta(seconds=30)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: object  # a django_tasks Task


JOBS: dict[str, PeriodicJob] = {}


def periodic(*, name: str, every: timedelta):
    """Register a django-tasks task to be enqueued every `every`."""
    if every <= timedelta(0):
        raise ValueError(f"periodic job {name}: `every` must be positive")

    def register(task):
        JOBS[name] = PeriodicJob(name=name, every=every, task=task)
        return task

    return register


def last_runs() -> dict[str, datetime]:
    return dict(ScheduledJobRun.objects.values_list("name", "last_run_at"))


def due_jobs(*, now: datetime, jobs: dict[str, PeriodicJob] | None = None) -> list[PeriodicJob]:
    """Jobs never run, or whose period has passed since their last run."""
    jobs = JOBS if jobs is None else jobs
    seen = last_runs()
    return [job for job in jobs.values() if job.name not in seen or now - seen[job.name] >= job.every]


def run_due(*, now: datetime, jobs: dict[str, PeriodicJob] | None = None) -> dict[str, str]:
    """Enqueue every due job; returns {name: "enqueued" | "failed" | "not queued"}.

    One job's failure never stops the others. A job that ran and failed (immediate
    backend) counts as run: it is tried again at its next period, not every tick.
    A job that could not even be queued is not recorded, so it is retried soon.
    """
    outcomes = {}
    for job in due_jobs(now=now, jobs=jobs):
        try:
            result = job.task.enqueue()
        except Exception:  # noqa: BLE001 - logged; the other jobs still run
            log.exception("periodic job %s could not be queued", job.name)
            outcomes[job.name] = "not queued"
            continue
        ScheduledJobRun.objects.update_or_create(name=job.name, defaults={"last_run_at": now})
        if result.status == TaskResultStatus.FAILED:
            errors = "\n".join(error.traceback for error in result.errors)
            log.error("periodic job %s failed:\n%s", job.name, errors)
            outcomes[job.name] = "failed"
        else:
            log.info("periodic job %s enqueued (%s)", job.name, result.status)
            outcomes[job.name] = "enqueued"
    return outcomes


def seconds_to_next(*, now: datetime, jobs: dict[str, PeriodicJob] | None = None) -> float:
    jobs = JOBS if jobs is None else jobs
    seen = last_runs()
    waits = [((seen[j.name] + j.every) - now).total_seconds() if j.name in seen else 0.0 for j in jobs.values()]
    return max(0.0, min(waits + [MAX_SLEEP]))


def run_forever(*, stop: threading.Event, jobs: dict[str, PeriodicJob] | None = None) -> None:
    """Enqueue due jobs until `stop` is set; never dies of one job's or one tick's error."""
    while not stop.is_set():
        close_old_connections()  # a database restart must not poison the loop
        try:
            outcomes = run_due(now=timezone.now(), jobs=jobs)
            if "not queued" in outcomes.values():
                wait = RETRY_AFTER.total_seconds()
            else:
                wait = seconds_to_next(now=timezone.now(), jobs=jobs)
        except Exception:  # noqa: BLE001 - the database was unreachable for a moment
            log.exception("scheduler tick failed; trying again")
            wait = RETRY_AFTER.total_seconds()
        stop.wait(min(wait, MAX_SLEEP) or 0.1)
