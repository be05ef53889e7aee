from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def safe_next(request, fallback: str, *, source=None) -> str:
    """The page a form asked to return to (POST "next" by default), if it is on this site."""
    target = (source if source is not None else request.POST).get("next", "")
    # Judged as a browser reads it ("/\\evil.example" and "/\t/evil.example" are off-site), by Django's check.
    local = target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    return target if local else fallback
