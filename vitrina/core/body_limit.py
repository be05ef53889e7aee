"""Refuse request bodies larger than any request Vitrina takes, before reading them.

The largest legitimate body is a post with MAX_PHOTOS_PER_POST photos of MAX_UPLOAD_BYTES
each, plus a margin for the caption, alt texts and multipart framing. Without a limit
here, Django's multipart parser would first write a body of any size to temporary files
and only then let the service refuse the photos.

- A declared Content-Length over the limit: 413 at once, nothing read.
- A body without Content-Length (chunked): read here into a spooled file (memory, then
  disk past FILE_UPLOAD_MAX_MEMORY_SIZE), stopping at the limit with 413; within it, the
  request goes on with the length the body had (Django alone would read it as empty).

Django's ASGI handler reads the whole body before any middleware runs; vitrina.asgi
wraps the application in `asgi_body_limit` for that. A server that buffers chunked
bodies itself before calling the application (granian does) is beyond the reach of
both: a reverse proxy's body limit covers it (see the README).
"""

import json
import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vitrina.core.api import error_body

CHUNK = 64 * 1024


def max_request_bytes() -> int:
    return settings.MAX_UPLOAD_BYTES * settings.MAX_PHOTOS_PER_POST + settings.REQUEST_BODY_MARGIN_BYTES


class BodyTooLarge(Exception):
    pass


class BoundedStream:
    """Reads from `stream` and raises BodyTooLarge once more than `limit` bytes have come."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.read_bytes = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        # Never more than one byte past the limit, however much is asked for.
        allowed = self.limit - self.read_bytes + 1
        data = self.stream.read(allowed if size is None or size < 0 else min(size, allowed))
        self.read_bytes += len(data)
        if self.read_bytes > self.limit:
            raise BodyTooLarge
        return data


def _spool_chunked(request, limit: int) -> bool:
    """Read a body sent without Content-Length into a spooled file, up to `limit` bytes.

    Django reads such a body as empty (its parsers need the length), so it is read here,
    stopping at the limit, and handed on with the length it turned out to have. False
    when it went past the limit.
    """
    source = BoundedStream(request.META["wsgi.input"], limit)
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    try:
        while chunk := source.read(CHUNK):
            spool.write(chunk)
    except BodyTooLarge:
        spool.close()
        return False
    size = spool.tell()
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(spool, size)
    request._body_spool = spool  # closed with the request (see __call__)
    return True


def _too_large_message() -> str:
    return _("This request is too large. Photos can have at most %(mb)s MB each.") % {
        "mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    }


def too_large_response(request):
    message = _too_large_message()
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("too_large", message), status=413)
    return render(request, "413.html", {"message": message}, status=413)


def _declared_length(meta) -> int | None:
    try:
        return int(meta.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class BodyLimitMiddleware:
    """Early in MIDDLEWARE, before anything reads request.POST or request.body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = max_request_bytes()
        declared = _declared_length(request.META)
        if declared is not None and declared > limit:
            return too_large_response(request)
        if declared is None and "HTTP_TRANSFER_ENCODING" in request.META and "wsgi.input" in request.META:
            if not _spool_chunked(request, limit):
                return too_large_response(request)
            try:
                return self.get_response(request)
            finally:
                request._body_spool.close()
        return self.get_response(request)


def asgi_body_limit(app):
    """The same limit for HTTP requests served over ASGI, checked as the body arrives."""

    async def limited(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = max_request_bytes()
        length = dict(scope.get("headers") or []).get(b"content-length", b"").decode("latin-1")
        declared = _declared_length({"CONTENT_LENGTH": length})
        if declared is not None and declared > limit:
            return await _send_too_large(scope, send)
        received = 0

        async def bounded_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await _send_too_large(scope, send)
                    # Django's handler stops reading at a disconnect and sends nothing more.
                    return {"type": "http.disconnect"}
            return message

        return await app(scope, bounded_receive, send)

    return limited


async def _send_too_large(scope, send):
    # No Django request exists yet to render a page with: JSON for the API, plain text otherwise.
    message = _too_large_message()
    if scope.get("path", "").startswith("/api/"):
        body, content_type = json.dumps(error_body("too_large", message)).encode(), b"application/json"
    else:
        body, content_type = message.encode(), b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
