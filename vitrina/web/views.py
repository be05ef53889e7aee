import sys

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve

from vitrina.core.api import error_body
from vitrina.core.errors import database_unavailable
from vitrina.core.htmx import render_htmx
from vitrina.core.pagination import InvalidCursor
from vitrina.media import signing
from vitrina.shop import selectors as shop_selectors


def shop(request):
    """The Shop entry of the bottom navigation: products of followed shops, then others (shop.selectors.shop_front)."""
    try:
        front = shop_selectors.shop_front(viewer=request.user, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return redirect(request.path)
    context = {"front": front, "first_page": not request.GET.get("cursor")}
    return render_htmx(request, "web/shop.html", "web/_shop_items.html", context)


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request):
    data = {
        "name": "Vitrina",
        "short_name": "Vitrina",
        "description": _("Share photos, follow friends and shop from the people you follow."),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#111111",
        "icons": [
            {"src": static("web/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_GET
def media(request, path):
    """Local media files; post photos only with a valid, unexpired signature.

    The signature, the file and the cache policy are all decided on one name: a path that is
    not spelled exactly as storage wrote it is a 404 (see vitrina.media.signing).
    """
    name = signing.media_name(path)
    if name is None or not signing.is_valid(name, request.GET.get("e"), request.GET.get("s")):
        raise Http404
    # serve() normalises its path again; a media_name is already normal, so it opens `name` itself.
    response = serve(request, name, document_root=settings.MEDIA_ROOT)
    # Names are random and never reused; signed ones are cached only by the browser, until they expire.
    if signing.is_private(name):
        response["Cache-Control"] = "private, max-age=86400"
    else:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", _("The request could not be read.")), status=400)
    return HttpResponse(_("The request could not be read."), status=400, content_type="text/plain; charset=utf-8")


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this while handling the exception, so it is still at hand.
    unavailable = database_unavailable(sys.exc_info()[1])
    if unavailable is not None:
        # A restart or failover of the database: a plain answer (no template: its context needs
        # the database) and a 503 that says when to try again.
        if request.path.startswith("/api/"):
            response = JsonResponse(unavailable.as_dict(), status=503)
        else:
            response = HttpResponse(unavailable.message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(unavailable.retry_after)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)
    return HttpResponse(_("Something went wrong on our side."), status=500)


def csrf_failure(request, reason=""):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("csrf_failed", _("CSRF check failed. Reload the page.")), status=403)
    return render(request, "403_csrf.html", status=403)
