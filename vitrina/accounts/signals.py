"""Log-in and log-out of browser sessions, tracked for Settings -> Security."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from vitrina.accounts import sessions


@receiver(user_logged_in, dispatch_uid="vitrina_session_start")
def _session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.session_start(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="vitrina_session_end")
def _session_end(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.session_end(request=request)
