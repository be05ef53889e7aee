from django.contrib.auth import SESSION_KEY, logout

from vitrina.accounts.sessions import session_check


class SessionRevocationMiddleware:
    """Log out a browser session that its member ended elsewhere (Settings -> Security).

    After AuthenticationMiddleware. Requests without a logged-in session pass untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None and not session_check(request):
            logout(request)
        return self.get_response(request)
