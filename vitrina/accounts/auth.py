"""Who is calling the API: a bearer token, or the browser session (with CSRF)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from vitrina.accounts.selectors import user_for_token
from vitrina.core.errors import Forbidden


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class AnonymousAllowed:
    """Last in an auth list: lets anonymous readers in, but a bad token is still a 401."""

    def __call__(self, request):
        if request.headers.get("Authorization"):
            raise AuthenticationError()
        return AnonymousUser()


class SessionAuth(NinjaSessionAuth):
    """The browser session of a logged-in member; its writes need the CSRF token.

    ninja's SessionAuth checks CSRF before it looks at the user, so a caller with no
    session at all got 403 "CSRF check Failed" where it is simply not logged in (401).
    CSRF protects a session that would otherwise act for its member; without a
    logged-in member there is nothing to protect. (The class keeps ninja's name, which
    names the security scheme in the OpenAPI document.)
    """

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden(_("CSRF check failed. Reload the page."), code="csrf_failed")
        return user


bearer = BearerAuth()
session = SessionAuth()
REQUIRED = [bearer, session]
OPTIONAL = [bearer, session, AnonymousAllowed()]


def viewer_of(request):
    """The authenticated user, or None for anonymous readers."""
    user = getattr(request, "auth", None)
    return user if user is not None and user.is_authenticated else None
