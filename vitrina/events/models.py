"""Domain events: "something happened", one row written in the same transaction as the change.

The outbox of Vitrina: services write rows here (vitrina.events.record) and never call the code that
reacts to them; consumers (notifications first; insights, shop webhooks and federation later) read
them from a worker, each at its own pace (ConsumerOffset).
"""

from django.conf import settings
from django.db import models


class Event(models.Model):
    # The writing transaction's id on PostgreSQL (pg_current_xact_id): consumers read in
    # (txid, id) order and only below the oldest transaction still running, so a row committed
    # late with a low id is never skipped. Empty on SQLite, where writers commit in id order.
    txid = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=40)
    # Who did it, and whom it is about (the post's author for a like, the followed account...).
    # No database constraint: on PostgreSQL its check would take a KEY SHARE lock on both accounts'
    # rows in whatever order the service writes, and the follow graph locks accounts FOR UPDATE in
    # primary-key order (vitrina.social.services._lock): the two orders could deadlock. Deleting an
    # account still empties these (Django's SET_NULL).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_constraint=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", db_constraint=False)
    subject_type = models.CharField(max_length=20, blank=True)  # post, comment, order, message, review...
    subject_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["txid", "id"], name="events_event_txid_id")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class ConsumerOffset(models.Model):
    """How far one consumer has read: every event up to (txid, event_id) is applied. Updated in the
    same transaction as the consumer's own writes, so an event is applied exactly once."""

    name = models.CharField(max_length=60, primary_key=True)
    txid = models.BigIntegerField(default=0)
    event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name} at {self.event_id}"
