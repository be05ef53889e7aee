from django.db import models


class ThrottleCounter(models.Model):
    """A fixed-window counter, used while Redis does not answer (see vitrina.core.throttle)."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    # Epoch seconds: the raw upsert in throttle.py compares them without time-zone conversions.
    started_at = models.FloatField()
    expires_at = models.FloatField(db_index=True)


class ScheduledJobRun(models.Model):
    """When the scheduler last enqueued each periodic job (vitrina.core.scheduler).

    Kept in the database, not the cache: the embedded default's cache lives in one
    process, and a restarted scheduler would otherwise run every job at once.
    """

    name = models.CharField(max_length=100, primary_key=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"


class BuiltState(models.Model):
    """The last result of a periodic job that requests read (vitrina.core.built_state).

    In the database for the same reason as ScheduledJobRun: the job runs in another
    process than the requests, and the embedded default's cache is per process.
    """

    name = models.CharField(max_length=100, primary_key=True)
    data = models.TextField()  # JSON
    built_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} built at {self.built_at:%Y-%m-%d %H:%M:%S}"
