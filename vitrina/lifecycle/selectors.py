"""Reads of a member's own lifecycle state: exports and a pending deletion (owner only)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import NotFound
from vitrina.lifecycle.models import DataExport, ExportStatus


def export_latest(*, user: User) -> DataExport | None:
    """The member's current export (being prepared, ready or failed), if it has not expired."""
    export = DataExport.objects.filter(user=user).order_by("-pk").first()
    if export is not None and export.expires_at is not None and export.expires_at <= timezone.now():
        return None
    return export


def export_for_download(*, user: User, export_id: int) -> DataExport:
    """A ready, unexpired export of this member's; anybody else's (or none) is 404."""
    export = DataExport.objects.filter(
        pk=export_id, user=user, status=ExportStatus.READY, expires_at__gt=timezone.now()
    ).first()
    if export is None:
        raise NotFound(_("This download is not available."))
    return export
