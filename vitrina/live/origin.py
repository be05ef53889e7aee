"""The handshake's Origin: the defence against another site opening a socket with the member's cookie."""

from urllib.parse import urlparse

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import validate_host


def origin_allowed(headers: dict[bytes, bytes]) -> bool:
    """A browser always sends Origin: it must be one of ALLOWED_HOSTS (any port: the socket may be served
    on a port of its own). Without one, only a bearer-token client (not a browser: a page cannot set that
    header) is let in; a cookie alone never is."""
    origin = headers.get(b"origin")
    if origin is None:
        return headers.get(b"authorization", b"").lower().startswith(b"bearer ")
    try:
        parsed = urlparse(origin.decode("latin1"))
        host = parsed.hostname
    except ValueError:
        return False
    return parsed.scheme in ("http", "https") and bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


class OriginCheck:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        if not origin_allowed(headers):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
