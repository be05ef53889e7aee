"""Changing a username, and the hold that keeps the old one for its owner.

A changed-away username is held for USERNAME_HOLD_DAYS: nobody else can sign up with it
or switch to it, so links and mentions of the old name cannot be taken over by someone
else in the meantime; its owner can switch back to it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.accounts.models import User, UsernameHold
from vitrina.accounts.validators import normalize_username, validate_username
from vitrina.core import throttle
from vitrina.core.errors import InvalidInput, Throttled

DAY = 24 * 3600


def username_taken(username: str, *, by: User | None = None) -> bool:
    """Whether `username` belongs to, or is held for, an account other than `by`."""
    others = User.objects.filter(username=username)
    holds = UsernameHold.objects.filter(username=username, until__gt=timezone.now())
    if by is not None:
        others, holds = others.exclude(pk=by.pk), holds.exclude(user=by)
    return others.exists() or holds.exists()


def _unavailable() -> InvalidInput:
    message = _("This username isn't available.")
    return InvalidInput(message, fields={"username": [message]})


def username_change(*, user: User, username: str) -> User:
    new = normalize_username(username)
    try:
        validate_username(new)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"username": list(exc.messages)}) from None
    if new == user.username:
        return user
    wait = throttle.seconds_blocked("username-change", [f"user:{user.pk}"],
                                    limit=settings.USERNAME_CHANGES_PER_DAY, window=DAY)
    if wait:
        raise Throttled(_("You have changed your username too often. Try again later."), retry_after=wait)
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if username_taken(new, by=locked):
                raise _unavailable()
            old = locked.username
            UsernameHold.objects.filter(username=new).delete()  # the owner's own, or an expired one
            locked.username = new
            locked.save(update_fields=["username"])
            UsernameHold.objects.update_or_create(username=old, defaults={
                "user": locked, "until": timezone.now() + timedelta(days=settings.USERNAME_HOLD_DAYS)})
    except IntegrityError:
        # Another account took the name between the check and the write.
        raise _unavailable() from None
    throttle.record_failure("username-change", [f"user:{user.pk}"], window=DAY)
    user.username = new
    return locked


def username_redirect(username: str) -> str | None:
    """The current username of the account that gave up `username`, while it is held."""
    hold = (UsernameHold.objects.filter(username=normalize_username(username), until__gt=timezone.now(),
                                        user__is_active=True)
            .select_related("user").first())
    return hold.user.username if hold else None


def username_holds_expire(*, now=None) -> int:
    deleted, _rows = UsernameHold.objects.filter(until__lte=now or timezone.now()).delete()
    return deleted
