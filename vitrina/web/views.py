from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve

from vitrina.core.api import error_body


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "web/home.html")


def explore(request):
    return render(request, "web/explore.html")


def shop(request):
    return render(request, "web/shop.html")


def create(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "web/create.html")


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
@cache_control(max_age=31536000, public=True, immutable=True)
def media(request, path):
    # Media names are random and never reused, so they can be cached for good.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)
    return HttpResponse(_("Something went wrong on our side."), status=500)


def csrf_failure(request, reason=""):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("csrf_failed", _("CSRF check failed. Reload the page.")), status=403)
    return render(request, "403_csrf.html", status=403)
