"""Errors that services raise and every entry point (API, pages) renders.

A service says what went wrong once, with a stable code; the API turns it into
`{"error": {"code", "message", "fields"}}` and the pages into a form error or a 404.
"""

from django.db import InterfaceError, OperationalError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str | Promise = "", *, code: str | None = None, fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": str(self.message), "fields": {
            name: [str(m) for m in msgs] for name, msgs in self.fields.items()}}}


class InvalidInput(ServiceError):
    status = 422
    code = "invalid"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Unauthenticated(ServiceError):
    status = 401
    code = "unauthenticated"


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


class UnsupportedMedia(ServiceError):
    status = 415
    code = "unsupported_media"


class Throttled(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, message="", *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class Unavailable(ServiceError):
    """Something this request needs (the database) did not answer; worth trying again soon."""

    status = 503
    code = "unavailable"

    def __init__(self, message="", *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


# A database restart or failover takes seconds (bench/faults.py measured 5-6 s for a crash
# recovery of PostgreSQL); clients that honour Retry-After come back once it is over.
DATABASE_RETRY_AFTER = 5


def database_unavailable(exc: BaseException | None) -> Unavailable | None:
    """An Unavailable for a database that did not answer (connection refused or lost, a
    restart, a failover); None for any other error, which stays a 500."""
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return None
    return Unavailable(_("Vitrina is briefly unavailable. Try again in a few seconds."),
                       retry_after=DATABASE_RETRY_AFTER)


def invalid_from_django(exc) -> InvalidInput:
    """An InvalidInput carrying a django ValidationError's field messages."""
    if hasattr(exc, "message_dict"):
        fields = {name: list(msgs) for name, msgs in exc.message_dict.items()}
    else:
        fields = {"__all__": list(exc.messages)}
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, fields=fields)
