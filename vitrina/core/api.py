"""The API's error shape, shared by every router, and its place in the OpenAPI document.

Errors always read `{"error": {"code", "message", "fields"}}` (see shared API.md).
"""

import functools
import logging

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vitrina.core.errors import (
    ServiceError, Throttled, Unauthenticated, Unavailable, database_unavailable,
)

log = logging.getLogger(__name__)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message", "fields"],
        "properties": {
            "code": {"type": "string", "description": "Stable, snake_case."},
            "message": {"type": "string", "description": "For people, in the caller's language."},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                       "description": "Messages by input field; \"__all__\" for the input as a whole."},
        },
    }},
}
ERROR_DESCRIPTIONS = {
    400: "Malformed request: a body that is not JSON, or a cursor that was not given out",
    401: "Not logged in, or a bearer token that is not valid",
    403: "Not allowed",
    404: "Not found, or not visible to the caller",
    409: "In conflict with the current state",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input; `fields` names the inputs at fault",
    429: "Rate limited; retry after `Retry-After` seconds",
}


def _error_statuses(method: str, operation: dict) -> set[int]:
    """The error statuses an operation may answer, from what it takes (generic, so new operations get them too)."""
    parameters = operation.get("parameters", [])
    body = "requestBody" in operation
    statuses = {401}  # a bad bearer token is refused everywhere; bad credentials on log-in
    if operation.get("security"):
        statuses.add(403)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if parameters or body:
        statuses |= {400, 422}
    if body:
        statuses |= {413, 415}
    if method != "get":
        statuses |= {409, 429}
    return statuses


def document_errors(schema: dict) -> dict:
    """Declare the error shape and each operation's error statuses, so clients (and the fuzz test) can rely on them."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_error_statuses(method, operation)):
                response = {"description": ERROR_DESCRIPTIONS[status], "content": content}
                if status == 429:
                    response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "required": True}}
                responses.setdefault(status, response)
    return schema


def _method_not_allowed_as_error(view):
    """Ninja answers a method an API path lacks with a bare 405; give it the error shape."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            body = error_body("method_not_allowed", _("This method is not allowed here."))
            allowed = response["Allow"]
            response = JsonResponse(body, status=405)
            response["Allow"] = allowed
        return response

    return wrapped


class VitrinaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_errors(super().get_openapi_schema(**kwargs))

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _method_not_allowed_as_error(pattern.callback)
        return urls


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

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    # Bodies Django will not read (too many form fields or files, a multipart body without a
    # boundary): Django's pages answer these 400, and so does the API, like a JSON body that does not parse.
    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(BadRequest)
    @api.exception_handler(SuspiciousOperation)
    def unreadable_request(request, exc):
        log.warning("Refused API request to %s: %s", request.path, exc)
        return api.create_response(
            request, error_body("bad_request", _("The request could not be read.")), status=400
        )

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


def documents_404(description: str) -> dict:
    """openapi_extra for an operation that answers 404 (in the error shape) for what the caller may not see."""
    return {"responses": {404: {"description": description,
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
