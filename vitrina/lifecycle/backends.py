"""Log-in for a member who asked to delete the account and comes back within the grace period.

Django's ModelBackend refuses inactive accounts. This backend, listed after it, lets
in exactly one kind: an account with a pending deletion whose grace period is not
over and no suspension, with the right password; it cancels the deletion (which
reactivates the account). A suspended account, or any other inactive one, still
cannot log in. Every log-in
path (pages, the API's token, the admin) goes through authenticate(), so all of
them bring the member back the same way.
"""

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from vitrina.accounts.models import User
from vitrina.accounts.validators import normalize_username
from vitrina.lifecycle.services import account_deletion_cancel


class ReturningMemberBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = User.objects.filter(
            username=normalize_username(username), is_active=False, suspended_at__isnull=True,
            deletion__purge_after__gt=timezone.now(),
        ).first()
        if user is None or not user.check_password(password):
            return None
        if not account_deletion_cancel(user=user):
            return None
        return user
