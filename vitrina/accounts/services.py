"""Writes for accounts: sign-up, credentials, profile fields, avatar, suspension.

Follows, blocks and privacy live in vitrina.social.services, which builds on these.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import EmailValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.accounts import mail
from vitrina.accounts.models import AccountType, ApiToken, BusinessCategory, User
from vitrina.accounts.sessions import sign_out_everywhere, token_revoke  # noqa: F401 - part of this API
from vitrina.accounts.username_services import username_taken
from vitrina.accounts.validators import normalize_username, validate_username
from vitrina.core import throttle
from vitrina.core.errors import InvalidInput, Throttled, Unauthenticated, invalid_from_django
from vitrina.core.text import clean_text, has_direction_controls
from vitrina.media import images, pipeline

PROFILE_FIELDS = (
    "display_name", "bio", "website", "email", "account_type",
    "category", "city", "contact_email", "contact_phone",
)
BUSINESS_FIELDS = ("category", "contact_email", "contact_phone")

# Refused, not stripped (see vitrina.core.text): a name is who someone is, and reordering it is spoofing.
DIRECTION_CONTROLS_IN_NAME = gettext_lazy("Names can't contain text direction controls.")


def user_signup(
    *, username: str, email: str, password: str, account_type: str = AccountType.PERSONAL,
    display_name: str = "", email_link_base: str = "", ip: str | None = None,
) -> User:
    """A new account. With `email_link_base` (the site's URL), a link to confirm the address is emailed.
    `ip` is the client's address for sign-ups from outside (limited per address)."""
    if ip is not None:
        throttle.rate_limit(action="signup", ident=ip)
    username = normalize_username(username)
    email = (email or "").strip()
    errors: dict[str, list] = {}
    try:
        validate_username(username)
    except ValidationError as exc:
        errors["username"] = list(exc.messages)
    else:
        if User.objects.filter(username=username).exists():
            errors["username"] = [_("A user with that username already exists.")]
        elif username_taken(username):
            errors["username"] = [_("This username isn't available.")]
    try:
        EmailValidator()(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if account_type not in AccountType.values:
        errors["account_type"] = [_("Choose personal, creator or business.")]
    if has_direction_controls(display_name):
        errors["display_name"] = [DIRECTION_CONTROLS_IN_NAME]
    display_name = clean_text(display_name)
    if len(display_name) > 64:
        errors["display_name"] = [_("Names can have at most 64 characters.")]
    candidate = User(username=username, email=email, display_name=display_name)
    try:
        password_validation.validate_password(password or "", user=candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)

    user = User(username=username, email=email, display_name=display_name, account_type=account_type)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            if email_link_base:
                mail.send_after_commit(kind=mail.VERIFY, user=user, base_url=email_link_base)
    except IntegrityError:
        # Lost a race with another sign-up for the same name.
        raise InvalidInput(
            _("A user with that username already exists."),
            fields={"username": [_("A user with that username already exists.")]},
        ) from None
    return user


def _throttle_idents(username: str, ip: str) -> tuple[list[str], list[str]]:
    return [f"user:{normalize_username(username)}"], [f"ip:{ip}"]


def login_check(*, username: str, password: str, ip: str) -> User:
    """The account for these credentials, or an error; counts failures per account and per IP.

    Over LOGIN_THROTTLE_LIMIT failures in LOGIN_THROTTLE_WINDOW seconds, for the
    account or the address, every attempt is refused with 429 until the window ends,
    even with the right password, so guessing cannot continue. Each attempt counts
    before the password is checked and a success takes its count back: parallel
    guesses cannot all slip in under the limit. The normal log-in, the API and the
    admin's log-in all come through here.
    """
    account_keys, ip_keys = _throttle_idents(username, ip)
    keys = account_keys + ip_keys
    limit, window = settings.LOGIN_THROTTLE_LIMIT, settings.LOGIN_THROTTLE_WINDOW
    wait = throttle.hit("login", keys, limit=limit, window=window)
    if wait:
        raise Throttled(_("Too many failed log-in attempts. Try again later."), retry_after=wait)
    user = authenticate(username=normalize_username(username), password=password or "")
    if user is None:
        raise Unauthenticated(_("Incorrect username or password."), code="invalid_credentials")
    throttle.reset("login", account_keys)
    throttle.undo("login", ip_keys)
    return user


def token_issue(*, user: User, name: str = "", user_agent: str = "", ip_network: str = "") -> str:
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash(key), name=name[:64], user_agent=user_agent[:200], ip_network=ip_network,
    )
    return key


def profile_update(*, user: User, data: dict) -> User:
    """Change profile fields given in `data` (missing keys stay as they are).

    The caller holds a row lock on `user` (see vitrina.social.services.account_update).
    """
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown field."), fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    changes = {}
    for name, value in data.items():
        value = "" if value is None else str(value)
        changes[name] = clean_text(value, multiline=(name == "bio"))
    errors: dict[str, list] = {}
    if has_direction_controls(str(data.get("display_name") or "")):
        errors["display_name"] = [DIRECTION_CONTROLS_IN_NAME]
    new_type = changes.get("account_type", user.account_type)
    if new_type not in AccountType.values:
        errors["account_type"] = [_("Choose personal, creator or business.")]
    if "category" in changes and changes["category"] and changes["category"] not in BusinessCategory.values:
        errors["category"] = [_("Choose a category from the list.")]
    if new_type != AccountType.BUSINESS:
        for name in BUSINESS_FIELDS:
            if changes.get(name):
                errors[name] = [_("Only business accounts have this field.")]
    if "email" in changes:
        if changes["email"] == user.email:
            del changes["email"]
        else:
            # A new address must be confirmed from its mailbox first (email_services.email_change_request).
            errors["email"] = [_("Change your email address from the account settings: a link is sent to confirm it.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)

    for name, value in changes.items():
        setattr(user, name, value)
    try:
        user.full_clean(exclude=["password", "username", "avatar", "last_login", "date_joined"])
    except ValidationError as exc:
        raise invalid_from_django(exc) from None
    if changes:
        user.save(update_fields=list(changes))
    return user


def password_change(
    *, user: User, old_password: str, new_password: str,
    keep_session_key: str | None = None, keep_token_id: int | None = None,
) -> None:
    """Change the password and end every other session and token (the one it came from stays)."""
    if not user.check_password(old_password or ""):
        raise InvalidInput(
            _("Your old password was entered incorrectly."),
            fields={"old_password": [_("Your old password was entered incorrectly.")]},
        )
    try:
        password_validation.validate_password(new_password or "", user=user)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"new_password": list(exc.messages)}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        sign_out_everywhere(user=user, keep_session_key=keep_session_key, keep_token_id=keep_token_id)


def avatar_set(*, user: User, upload) -> User:
    processed = images.render_avatar(upload)
    name = images.store(processed.jpeg, folder="avatars", extension="jpg")
    try:
        small = images.store_avatar_small(processed)
    except BaseException:
        images.delete_quietly(name)
        raise
    old = user.avatar_files()
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(avatar=name, avatar_small=small)
    except DatabaseError:
        for stored in [name, *small.values()]:
            images.delete_quietly(stored)
        raise
    user.avatar, user.avatar_small = name, small
    for stored in old:
        transaction.on_commit(partial(images.delete_quietly, stored))
    return user


def avatar_remove(*, user: User) -> User:
    old = user.avatar_files()
    User.objects.filter(pk=user.pk).update(avatar="", avatar_small={})
    user.avatar, user.avatar_small = "", {}
    for stored in old:
        transaction.on_commit(partial(images.delete_quietly, stored))
    return user


def avatar_small_backfill(*, user: User) -> bool:
    """Make the small WebP avatars of an avatar stored before they existed; False if there was nothing
    to do (no avatar, or already made). An avatar changed meanwhile keeps its own: these are dropped."""
    if not user.avatar or user.avatar_small:
        return False
    with default_storage.open(user.avatar, "rb") as stored:
        processed = pipeline.process_avatar(stored.read())
    small = images.store_avatar_small(processed)
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, avatar=user.avatar, avatar_small={}).update(avatar_small=small)
    if not updated:
        for name in small.values():
            images.delete_quietly(name)
        return False
    user.avatar_small = small
    return True


def user_suspend(*, user: User) -> None:
    """Suspended accounts cannot log in, lose their tokens and are invisible everywhere.

    Open sessions need no clean-up: the auth backend refuses inactive users on
    every request, so they read as anonymous from the next request on.
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False, suspended_at=timezone.now())
        sign_out_everywhere(user=user)
    user.is_active = False


def user_unsuspend(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=True, suspended_at=None)


def user_language_set(*, user, language: str) -> None:
    """Keep the member's chosen language (one of LANGUAGES) for emails; anything else is ignored,
    as Django's set_language ignores it."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
