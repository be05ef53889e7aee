"""Who is on a socket, and whether they still may be: the browser session or API token it opened
with, checked against the same rows that pages and the API check (vitrina.accounts.sessions).

A socket outlives the request that would notice a logout; so it is checked again every
LIVE_RECHECK_SECONDS, and closed as soon as its session or token is gone (log-out, password change,
revoked in Settings -> Security), or its member is deactivated or suspended.
"""

from dataclasses import dataclass
from http.cookies import SimpleCookie

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

from vitrina.accounts.models import ApiToken, BrowserSession, User
from vitrina.accounts.selectors import user_for_token
from vitrina.accounts.sessions import SESSION_MARK


@dataclass(frozen=True)
class Identity:
    user_id: int
    session_id: int | None = None  # BrowserSession
    session_key_hash: str = ""
    token_id: int | None = None  # ApiToken


def _headers(scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", [])}


def identify(scope) -> Identity | None:
    """The member behind a handshake: a bearer token (API clients) or the session cookie (the web)."""
    headers = _headers(scope)
    authorization = headers.get(b"authorization", b"").decode("latin1")
    if authorization.lower().startswith("bearer "):
        user = user_for_token(authorization[7:].strip())
        return Identity(user_id=user.pk, token_id=user.token_id) if user else None
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get(b"cookie", b"").decode("latin1"))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no session
        return None
    morsel = cookie.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return None
    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(morsel.value)
    user_id, session_id = session.get(SESSION_KEY), session.get(SESSION_MARK)
    if user_id is None or session_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    # The session's password hash: a password change elsewhere ends this session as it ends pages'.
    if user is None or not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    identity = Identity(user_id=user.pk, session_id=session_id, session_key_hash=BrowserSession.hash(morsel.value))
    return identity if still_valid(identity) else None


def still_valid(identity: Identity) -> bool:
    if not User.objects.filter(pk=identity.user_id, is_active=True).exists():
        return False
    if identity.token_id is not None:
        return ApiToken.objects.filter(pk=identity.token_id, user_id=identity.user_id).exists()
    return BrowserSession.objects.filter(pk=identity.session_id, user_id=identity.user_id,
                                         key_hash=identity.session_key_hash).exists()
