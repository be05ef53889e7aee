"""The ASGI application: Django's (pages, if an ASGI server is given them) and the live socket at /ws.

`make run` serves pages and the API with the WSGI server and /ws with an ASGI server of its own
(docs/live.md says why and shows the production layout).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs the settings above)
from django.urls import path  # noqa: E402

from vitrina.core.body_limit import asgi_body_limit  # noqa: E402
from vitrina.live.consumers import LiveConsumer  # noqa: E402
from vitrina.live.origin import OriginCheck  # noqa: E402

# Django's ASGI handler reads a whole body before any middleware sees it.
http_application = asgi_body_limit(django_application)

async def lifespan(scope, receive, send):
    """Start-up and shut-down need nothing: answer them (the server would otherwise log an error)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter({
    "http": http_application,
    "lifespan": lifespan,
    # A page of another site cannot open a socket with the member's cookie (vitrina.live.origin).
    "websocket": OriginCheck(URLRouter([path("ws", LiveConsumer.as_asgi())])),
})
