from django.db import models


class ThrottleCounter(models.Model):
    """A fixed-window counter, used while Redis does not answer (see vitrina.core.throttle)."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    # Epoch seconds: the raw upsert in throttle.py compares them without time-zone conversions.
    started_at = models.FloatField()
    expires_at = models.FloatField(db_index=True)
