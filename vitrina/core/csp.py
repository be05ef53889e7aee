"""Content-Security-Policy on every HTML page, and the endpoint browsers report violations to.

Django 5.2 has no CSP of its own, so this small middleware sends one. Scripts run
only from this origin's static files (plus a per-request nonce, `request.csp_nonce`,
for an inline block that cannot be avoided); no inline handlers, no eval. htmx is set
up for this in base.html (no eval, no indicator <style> of its own). Images come from
this origin, the media storage or CDN, data: (BlurHash placeholders are painted from a
canvas) and blob: (previews of chosen photos before upload).
"""

import functools
import json
import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vitrina.core.api import error_body
from vitrina.core.http import client_ip

log = logging.getLogger("vitrina.csp")

REPORT_GROUP = "csp-endpoint"
NONCE = "{nonce}"
# A report is under 2 KB; Chrome's Reporting API batches a few per POST.
REPORT_MAX_BYTES = 32 * 1024
# Violations logged per client address per minute; past that they are refused, so a
# script posting forged reports cannot flood the log.
REPORTS_PER_MINUTE = 60
REPORT_CONTENT_TYPES = ("application/csp-report", "application/reports+json", "application/json")
# Fields kept from a report (the legacy report-uri names and the Reporting API names),
# under one set of names. Every value is cut to FIELD_MAX characters.
REPORT_FIELDS = {
    "document-uri": "document", "documentURL": "document",
    "effective-directive": "directive", "effectiveDirective": "directive",
    "violated-directive": "violated",
    "blocked-uri": "blocked", "blockedURL": "blocked",
    "source-file": "source", "sourceFile": "source",
    "line-number": "line", "lineNumber": "line",
    "column-number": "column", "columnNumber": "column",
    "disposition": "disposition",
    "script-sample": "sample", "sample": "sample",
}
FIELD_MAX = 300


def _origin(url: str) -> str:
    parts = urlsplit(url if "//" in url else f"https://{url}")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def media_origins() -> list[str]:
    """Origins that serve uploaded files: the CDN domain, the S3 endpoint, an absolute MEDIA_URL.

    The bucket's own origins are allowed also behind a CDN: post photos are private and
    reach browsers as presigned URLs, which only the bucket can check, so they never
    point at the CDN (vitrina.media.signing).
    """
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    origins = []
    if options.get("custom_domain"):
        origins.append(_origin(options["custom_domain"]))
    endpoint = options.get("endpoint_url")
    bucket = options.get("bucket_name")
    if endpoint:
        # Path-style URLs use the endpoint itself, virtual-hosted ones the bucket's subdomain.
        origins.append(_origin(endpoint))
        if bucket:
            parts = urlsplit(endpoint)
            origins.append(f"{parts.scheme}://{bucket}.{parts.netloc}")
    elif bucket:
        region = options.get("region_name")
        origins.append(f"https://{bucket}.s3.amazonaws.com")
        if region:
            origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    if "//" in settings.MEDIA_URL:
        origins.append(_origin(settings.MEDIA_URL))
    return list(dict.fromkeys(origin for origin in origins if origin))


HOST = "__HOST__"  # the request's host name, for the socket on a port of its own


def live_sources() -> list[str]:
    """Where pages may open the live socket (vitrina.live): LIVE_URL's origin, or this host on LIVE_PORT."""
    if settings.LIVE_URL:
        parts = urlsplit(settings.LIVE_URL)
        return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("ws", "wss") and parts.netloc else []
    if settings.LIVE_PORT:
        return [f"ws://{HOST}:{settings.LIVE_PORT}", f"wss://{HOST}:{settings.LIVE_PORT}"]
    return []


@functools.lru_cache(maxsize=1)
def _policy_with_placeholder() -> str:
    media = " ".join(["'self'", *media_origins()])
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{NONCE}'",
        # No style attributes or inline <style> in the templates: stylesheets from here only.
        f"style-src 'self' 'nonce-{NONCE}'",
        f"img-src {media} data: blob:",
        f"media-src {media} blob:",
        "font-src 'self'",
        " ".join(["connect-src 'self'", *live_sources()]),
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        f"report-uri {reverse('csp_report')}",
    ]
    if settings.HTTPS:
        # Chrome prefers report-to over report-uri when both are given, but delivers Reporting
        # API reports only over HTTPS (tried: none left http://localhost, https://localhost's
        # arrived): on plain HTTP report-to would silence every report.
        directives += [f"report-to {REPORT_GROUP}", "upgrade-insecure-requests"]
    return "; ".join(directives)


def policy(nonce: str, host: str = "") -> str:
    # Built once (reverse() and the storage origins cost ~0.2 ms), then only the nonce (and host) change.
    built = _policy_with_placeholder().replace(NONCE, nonce)
    return built.replace(HOST, host) if HOST in built else built


@functools.lru_cache(maxsize=1)
def reporting_endpoints() -> str:
    return f'{REPORT_GROUP}="{reverse("csp_report")}"'


@receiver(setting_changed)
def _forget_policy(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_URL", "HTTPS", "ROOT_URLCONF", "LIVE_URL", "LIVE_PORT"}:
        _policy_with_placeholder.cache_clear()
        reporting_endpoints.cache_clear()


def request_host_name(request) -> str:
    """The host the page was asked for, without its port ("" when it is not an allowed one)."""
    try:
        return split_domain_port(request.get_host())[0]
    except DisallowedHost:
        return ""


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's technical error pages are made of inline styles and scripts.
        header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
        if header not in response:
            response[header] = policy(request.csp_nonce, request_host_name(request))
            if settings.HTTPS:
                response["Reporting-Endpoints"] = reporting_endpoints()
        return response


def _clean(value) -> str | int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return str(value)[:FIELD_MAX]
    if isinstance(value, int):
        return value
    # Query strings can carry signatures or tokens; the page and file are enough to act on.
    if "://" in value:
        value = value.split("?", 1)[0].split("#", 1)[0]
    return value[:FIELD_MAX]


def _violations(payload) -> list[dict]:
    """The violations in a report-uri body ({"csp-report": {...}}) or a Reporting API batch ([...])."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        bodies = [payload["csp-report"]]
    elif isinstance(payload, list) and payload and all(isinstance(item, dict) for item in payload):
        bodies = [item.get("body") for item in payload if item.get("type") == "csp-violation"]
    else:
        return []
    found = []
    for body in bodies:
        if not isinstance(body, dict):
            return []
        fields = {REPORT_FIELDS[key]: _clean(value) for key, value in body.items() if key in REPORT_FIELDS}
        if "directive" not in fields and "violated" not in fields:
            return []
        found.append(fields)
    return found


def _over_limit(request, count: int) -> bool:
    """Counts violations, not requests: one Reporting API batch may carry many."""
    key = f"csp-reports:{client_ip(request)}"
    cache.add(key, 0, 60)
    try:
        return cache.incr(key, count) > REPORTS_PER_MINUTE
    except ValueError:  # the minute ended between add and incr
        cache.set(key, count, 60)
        return count > REPORTS_PER_MINUTE


def _refuse(code: str, message: str, status: int, **headers) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status, headers=headers)


@csrf_exempt  # Browsers send reports without cookies or tokens; a report changes nothing.
@require_POST
def report(request):
    """Log each violation a browser reports (one line per violation, logger vitrina.csp)."""
    content_type = request.content_type or ""
    if content_type not in REPORT_CONTENT_TYPES:
        return _refuse("unsupported_media_type", _("Send a CSP report as JSON."), 415)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > REPORT_MAX_BYTES:
        return _refuse("too_large", _("This report is too large."), 413)
    # Read at most one byte past the cap, whatever Content-Length said.
    raw = request.read(REPORT_MAX_BYTES + 1)
    if len(raw) > REPORT_MAX_BYTES:
        return _refuse("too_large", _("This report is too large."), 413)
    try:
        violations = _violations(json.loads(raw.decode("utf-8")))  # strict: no lone surrogates in the log
    except (ValueError, RecursionError):
        violations = []
    if not violations:
        return _refuse("invalid_report", _("This is not a CSP violation report."), 400)
    if _over_limit(request, len(violations)):
        return _refuse("rate_limited", _("Too many reports. Try again in a minute."), 429, **{"Retry-After": "60"})
    for fields in violations:
        log.warning("CSP violation: %s", json.dumps(fields, ensure_ascii=True, sort_keys=True),
                    extra={"csp": fields})
    return HttpResponse(status=204)
