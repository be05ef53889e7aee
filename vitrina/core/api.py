"""The API's error shape, shared by every router.

Errors always read `{"error": {"code", "message", "fields"}}` (see shared API.md).
"""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vitrina.core.errors import ServiceError, Throttled, Unauthenticated, Unavailable, database_unavailable

log = logging.getLogger(__name__)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(loc) -> str:
    # Pydantic locations look like ("body", "payload", "username"); keep the field part.
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form", "file")]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        response = api.create_response(request, exc.as_dict(), status=exc.status)
        if isinstance(exc, (Throttled, Unavailable)):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(err.get("msg", _("Invalid value.")))
        message = _("Some fields are not valid.")
        if "__all__" in fields or not fields:
            message = _("The request body is not valid JSON of the expected shape.")
        return api.create_response(request, error_body("invalid", message, fields), status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        err = Unauthenticated(_("Log in or send a valid bearer token."))
        return api.create_response(request, err.as_dict(), status=401)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        # A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE, or a chunked one cut off by
        # vitrina.core.body_limit: the client's doing, not a server error.
        message = _("The request body is too large.")
        return api.create_response(request, error_body("too_large", message), status=413)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        # Too many form fields or files (DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES), a bad multipart
        # boundary...: Django's pages answer these 400, and so does the API.
        log.warning("Refused API request on %s: %s", request.path, exc.__class__.__name__)
        return api.create_response(request, error_body("bad_request", _("The request is not valid.")), status=400)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {400: "bad_request", 403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        unavailable = database_unavailable(exc)
        if unavailable is not None:
            # A restart or failover of the database: a 503 to retry, not a bug to trace.
            log.warning("API %s: database unavailable: %s", request.path, exc)
            return service_error(request, unavailable)
        log.exception("API error on %s", request.path)
        return api.create_response(
            request, error_body("server_error", _("Something went wrong on our side.")), status=500
        )
