"""State of an account's way out: a pending deletion, and downloads of its data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountDeletion(models.Model):
    """The member asked to delete the account: it is inactive until `purge_after`, then removed.

    Logging in with the right password before then deletes this row and reactivates
    the account (vitrina.lifecycle.backends).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion")
    requested_at = models.DateTimeField()
    purge_after = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.user_id} after {self.purge_after:%Y-%m-%d}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DataExport(models.Model):
    """A zip of a member's data, kept in private storage (vitrina.lifecycle.exports) until `expires_at`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.CharField(max_length=255, blank=True, help_text="Storage name in the private export storage.")
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-id"], name="export_user_recent")]

    def __str__(self):
        return f"{self.user_id}/{self.pk} {self.status}"
