"""Writes that go through the member's mailbox: password reset, email confirmation, change of address.

Every request for an email counts into a throttle (per address or account, and per IP
for resets) whether or not an email goes out, so the answers never tell an address
that has an account from one that has not.
"""

import binascii

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from vitrina.accounts import mail
from vitrina.accounts.models import User
from vitrina.accounts.services import sign_out_everywhere
from vitrina.core import throttle
from vitrina.core.errors import InvalidInput, Throttled

MAX_PK = 2**63 - 1


def _count_email_request(*, scope: str, ident: str, ip: str = "") -> None:
    """Refuse with 429 past ACCOUNT_EMAIL_LIMIT requests per `ident` (and the IP limit), else count this one."""
    window = settings.ACCOUNT_EMAIL_WINDOW
    wait = throttle.seconds_blocked(scope, [ident], limit=settings.ACCOUNT_EMAIL_LIMIT, window=window)
    if ip:
        wait = max(wait, throttle.seconds_blocked(
            f"{scope}-ip", [f"ip:{ip}"], limit=settings.ACCOUNT_EMAIL_IP_LIMIT, window=window))
    if wait:
        raise Throttled(_("Too many emails asked for. Try again later."), retry_after=wait)
    throttle.record_failure(scope, [ident], window=window)
    if ip:
        throttle.record_failure(f"{scope}-ip", [f"ip:{ip}"], window=window)


def _clean_email(value: str, *, field: str = "email") -> str:
    address = (value or "").strip()
    try:
        EmailValidator()(address)
    except ValidationError:
        raise InvalidInput(_("Enter a valid email address."), fields={field: [_("Enter a valid email address.")]}) \
            from None
    return address


def _validate_new_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password or "", user=user)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"new_password": list(exc.messages)}) from None


# --- Forgot password ---------------------------------------------------------

def password_reset_request(*, email: str, ip: str, base_url: str) -> None:
    """Email a reset link to each active account with this address. The outcome is the same with none."""
    address = _clean_email(email)
    _count_email_request(scope="password-reset", ident=f"email:{address.lower()}", ip=ip)
    for user in User.objects.filter(email__iexact=address, is_active=True):
        if user.has_usable_password():
            mail.send_after_commit(kind=mail.RESET, user=user, base_url=base_url)


def _invalid_reset_link() -> InvalidInput:
    message = _("This password reset link is invalid or has expired. Ask for a new one.")
    return InvalidInput(message, code="invalid_token", fields={"token": [message]})


def password_reset_user(*, uid: str, token: str) -> User | None:
    """The account a reset link is for, while the link is valid (unused, unexpired, for this uid)."""
    try:
        pk = int(urlsafe_base64_decode(uid or "").decode())
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        return None
    if not 0 < pk <= MAX_PK:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token or ""):
        return None
    return user


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session and API token of the member ends.

    The token hashes the password, so setting one spends the link. Sessions end through
    Django's session-hash check on their next request.
    """
    user = password_reset_user(uid=uid, token=token)
    if user is None:
        raise _invalid_reset_link()
    _validate_new_password(new_password, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        # Checked again under the lock: two requests with one link cannot both set a password.
        if not default_token_generator.check_token(locked, token):
            raise _invalid_reset_link()
        locked.set_password(new_password)
        fields = ["password"]
        if locked.email_verified_at is None:
            # The link reached the member at this address: that proves it as well as a confirmation does.
            locked.email_verified_at = timezone.now()
            fields.append("email_verified_at")
        locked.save(update_fields=fields)
        sign_out_everywhere(user=locked)
    return locked


# --- Confirming the address ------------------------------------------------

def email_verification_send(*, user: User, base_url: str) -> None:
    """Send (again) the link that confirms the member's address; throttled per account."""
    if user.has_verified_email:
        return
    _count_email_request(scope="email-verify", ident=f"user:{user.pk}")
    mail.send_after_commit(kind=mail.VERIFY, user=user, base_url=base_url)


def _invalid_email_link() -> InvalidInput:
    message = _("This confirmation link is invalid, has expired or was already used.")
    return InvalidInput(message, code="invalid_token", fields={"token": [message]})


def _user_from_link(data: dict | None) -> User:
    pk = data.get("u") if data else None
    if not isinstance(pk, int) or not 0 < pk <= MAX_PK:
        raise _invalid_email_link()
    user = User.objects.select_for_update().filter(pk=pk, is_active=True).first()
    if user is None:
        raise _invalid_email_link()
    return user


def email_verify(*, token: str) -> User:
    data = mail.read_token(token, salt=mail.VERIFY_SALT)
    with transaction.atomic():
        user = _user_from_link(data)
        if user.email != data.get("e") or user.email_verified_at is not None:
            raise _invalid_email_link()
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


# --- Changing the address --------------------------------------------------

def email_change_request(*, user: User, new_email: str, password: str, base_url: str) -> None:
    """Send a confirmation link to the new address; the current one stays until it is opened.

    The password is asked for so that a session left open somewhere cannot move the
    account's recovery address (and with it the account). The old address is told.
    """
    _count_email_request(scope="email-change", ident=f"user:{user.pk}")
    if not user.check_password(password or ""):
        message = _("Your password was entered incorrectly.")
        raise InvalidInput(message, fields={"password": [message]})
    address = _clean_email(new_email)
    if address == user.email:
        message = _("This is already your email address.")
        raise InvalidInput(message, fields={"email": [message]})
    mail.send_after_commit(kind=mail.CHANGE, user=user, base_url=base_url, to=address)
    mail.send_after_commit(kind=mail.CHANGE_NOTICE, user=user, base_url=base_url)


def email_change_confirm(*, token: str) -> User:
    data = mail.read_token(token, salt=mail.CHANGE_SALT)
    with transaction.atomic():
        user = _user_from_link(data)
        new = data.get("new")
        if user.email != data.get("old") or not isinstance(new, str):
            raise _invalid_email_link()
        user.email = new
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email", "email_verified_at"])
    return user
