import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def _address(value: str):
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:443"
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks: list[str]) -> bool:
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str:
    """The address the trusted proxy saw the request come from.

    Behind a proxy, X-Forwarded-For reads "client, proxy1, proxy2" and every proxy
    appends the address it received the request from; whatever the client sent
    comes first and can be anything. So the chain is read from the right: the
    TRUSTED_PROXY_COUNT nearest hops (REMOTE_ADDR is the first) are ours, then any
    hop inside TRUSTED_PROXIES; the next address is the client.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not settings.TRUST_X_FORWARDED_FOR:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    hops.append(remote)
    skip = max(1, settings.TRUSTED_PROXY_COUNT)
    candidates = hops[:-skip] if len(hops) > skip else hops[:1]
    found = None
    for hop in reversed(candidates):
        address = _address(hop)
        if address is None:
            break  # a proxy writes real addresses; junk here was written by the client
        found = address
        if not _trusted(address, settings.TRUSTED_PROXIES):
            break
    return str(found) if found is not None else remote


def safe_next(request, fallback: str, *, source=None) -> str:
    """The page a form asked to return to (POST "next" by default), if it is on this site."""
    target = (source if source is not None else request.POST).get("next", "")
    # Judged as a browser reads it ("/\\evil.example" and "/\t/evil.example" are off-site), by Django's check.
    local = target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    return target if local else fallback


def add_retry_after(response, exc):
    """Say when to try again on a response to a rate-limited write (a Throttled error)."""
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
