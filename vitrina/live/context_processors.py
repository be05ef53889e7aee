from django.conf import settings

from vitrina.core.csp import request_host_name


def live(request):
    """Where a logged-in member's pages open the live socket (settings.LIVE_URL / LIVE_PORT)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"live_url": ""}
    if settings.LIVE_URL:
        return {"live_url": settings.LIVE_URL}
    if settings.LIVE_PORT:
        host = request_host_name(request)
        if not host:
            return {"live_url": ""}
        scheme = "wss" if request.is_secure() else "ws"
        return {"live_url": f"{scheme}://{host}:{settings.LIVE_PORT}/ws"}
    return {"live_url": "/ws"}  # the page's own origin: a proxy routes /ws to the ASGI processes
