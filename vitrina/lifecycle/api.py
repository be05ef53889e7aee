from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from vitrina.accounts.auth import REQUIRED
from vitrina.core.errors import NotFound
from vitrina.lifecycle import exports, selectors, services
from vitrina.lifecycle.models import ExportStatus
from vitrina.lifecycle.schemas import DeleteIn, DeletionOut, ExportOut

router = Router(tags=["accounts"])


def _export_out(export) -> dict:
    export.refresh_from_db()  # The immediate task backend has built it by now.
    url = None
    if export.status == ExportStatus.READY:
        url = reverse("api-v1:me_export_file", kwargs={"export_id": export.pk})
    return {**{f: getattr(export, f) for f in ("id", "status", "created_at", "finished_at", "expires_at", "size")},
            "url": url}


@router.post("/me/export", response={202: ExportOut}, auth=REQUIRED)
def export_request(request):
    """Start building a zip of your data, or get the one being built."""
    return Status(202, _export_out(services.export_request(user=request.auth)))


NOT_ASKED = {"description": "No download of the member's data was asked for yet",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


@router.get("/me/export", response=ExportOut, auth=REQUIRED, openapi_extra={"responses": {404: NOT_ASKED}})
def export_status(request):
    export = selectors.export_latest(user=request.auth)
    if export is None:
        raise NotFound(_("You have not asked for a download of your data yet."))
    return _export_out(export)


@router.get("/me/export/{export_id}/file", auth=REQUIRED, url_name="me_export_file",
            response={200: None}, openapi_extra={"responses": {200: {"content": {"application/zip": {}}}}})
def export_file(request, export_id: int):
    export = selectors.export_for_download(user=request.auth, export_id=export_id)
    return download(export)


def download(export) -> FileResponse:
    filename = f"vitrina-{export.user.username}-{export.created_at:%Y%m%d}.zip"
    response = FileResponse(exports.storage().open(export.file, "rb"), as_attachment=True, filename=filename,
                            content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/me/delete", response={202: DeletionOut}, auth=REQUIRED)
def delete_account(request, payload: DeleteIn):
    """Deactivate your account now; it is removed after the grace period unless you log in again."""
    return Status(202, services.account_delete_request(user=request.auth, password=payload.password))
