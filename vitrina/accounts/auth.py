"""Who is calling the API: a bearer token, or the browser session (with CSRF)."""

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from vitrina.accounts.selectors import user_for_token


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


bearer = BearerAuth()
REQUIRED = [bearer, django_auth]
OPTIONAL = [bearer, django_auth, AnonymousAllowed()]


def viewer_of(request):
    """The authenticated user, or None for anonymous readers."""
    user = getattr(request, "auth", None)
    return user if user is not None and user.is_authenticated else None
