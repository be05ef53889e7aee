"""Errors that services raise and every entry point (API, pages) renders.

A service says what went wrong once, with a stable code; the API turns it into
`{"error": {"code", "message", "fields"}}` and the pages into a form error or a 404.
"""

from django.utils.functional import Promise


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


def invalid_from_django(exc) -> InvalidInput:
    """An InvalidInput carrying a django ValidationError's field messages."""
    if hasattr(exc, "message_dict"):
        fields = {name: list(msgs) for name, msgs in exc.message_dict.items()}
    else:
        fields = {"__all__": list(exc.messages)}
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, fields=fields)
