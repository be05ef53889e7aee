"""The one registry of periodic jobs.

An app declares a job next to its code with `@periodic(name=..., every=...)` on a
django-tasks task; the scheduler (`manage.py run_scheduler`) enqueues each job when
it is due. Jobs must be idempotent and safe to run twice: a scheduler restart or two
schedulers for a moment may run one twice.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: object  # a django_tasks Task


JOBS: dict[str, PeriodicJob] = {}


def periodic(*, name: str, every: timedelta):
    """Register a django-tasks task to be enqueued every `every`."""

    def register(task):
        JOBS[name] = PeriodicJob(name=name, every=every, task=task)
        return task

    return register
