from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from vitrina.api import api
from vitrina.core import csp
from vitrina.posts import profile_views
from vitrina.web import pwa
from vitrina.web import views as web_views

handler400 = "vitrina.web.views.bad_request"
handler404 = "vitrina.web.views.not_found"
handler500 = "vitrina.web.views.server_error"

urlpatterns = [
    path("api/vitrina/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", web_views.healthz, name="healthz"),
    path("csp-report", csp.report, name="csp_report"),
    path("manifest.webmanifest", web_views.manifest, name="manifest"),
    # At the root, so the worker's scope is the whole site.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("", include(("vitrina.web.urls", "web"))),
    path("accounts/", include("vitrina.accounts.urls")),
    path("accounts/", include("vitrina.lifecycle.urls")),
]
if settings.SERVE_MEDIA:
    # Local media for the one-machine default; a proxy or object storage serves it in production.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.+)$", web_views.media, name="media")
    )
urlpatterns += [
    path("", include("vitrina.posts.urls")),
    path("", include("vitrina.search.urls")),
    path("", include("vitrina.feed.urls")),
    path("", include("vitrina.shop.urls")),
    path("", include("vitrina.orders.urls")),
    path("", include("vitrina.reviews.urls")),
    path("", include("vitrina.notifications.urls")),
    path("", include("vitrina.messaging.urls")),
    path("", include("vitrina.rankings.urls")),
    path("", include("vitrina.insights.urls")),
    # Last: /<username>/ catches every remaining single segment.
    path("", include("vitrina.social.urls")),
    path("<str:username>/", profile_views.profile, name="profile"),
]
