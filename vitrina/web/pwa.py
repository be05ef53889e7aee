"""The installable app: the service worker and the page it shows offline.

The worker caches the app shell only (the versioned CSS, scripts, icons and the offline page) and
answers a failed page load with the offline page. Pages and API answers are never stored: they are
private to the member who asked, and a shared phone must not show one member's feed to the next.
"""

import hashlib
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

SHELL_FILES = ("web/vitrina.css", "web/vitrina.js", "web/htmx.min.js", "web/icons.svg", "web/icon-192.png")


def shell_urls() -> list[str]:
    return [static(name) for name in SHELL_FILES] + [reverse("offline")]


@require_GET
# no-cache: the browser checks for a new worker on every visit (it also does so itself at most daily).
@cache_control(no_cache=True)
def service_worker(request):
    shell = shell_urls()
    # Static names carry their content hash, so a new deploy is a new version and an old cache is dropped.
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    config = {"cache": f"vitrina-shell-{version}", "shell": shell, "offline": reverse("offline"), "static": static(""),
              "icon": static("web/icon-192.png")}
    body = render_to_string("web/sw.js", {"config": json.dumps(config)})
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(no_cache=True)
def offline(request):
    # Rendered without the member: the worker keeps one copy for whoever uses the phone next.
    return render(request, "web/offline.html")
