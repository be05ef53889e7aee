import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USERNAME_MAX = 30
USERNAME_RE = re.compile(r"^[a-z0-9._]{1,30}$")

# Names that would shadow a page, an API path or a role, or mislead people.
# Every top-level URL segment must be here (a test checks it).
RESERVED_USERNAMES = frozenset(
    """
    about accounts admin administrator api app apps auth billing blog business cart checkout
    collabs create csp-report direct docs explore feed help hashtags healthz home i18n inbox insights
    legal login logout manifest.webmanifest me media messages moderator new notifications
    null oauth offline orders p password payments posts privacy rankings reels reviews root search security
    settings shop signup static staff stories support sw.js system terms undefined
    vitrina well-known www
    """.split()
)


def normalize_username(value: str) -> str:
    # Usernames are compared and stored lower-case, so "Alice" and "alice" are one name.
    return (value or "").strip().lstrip("@").lower()


def validate_username(value: str) -> None:
    if not value:
        raise ValidationError(_("Enter a username."), code="required")
    if len(value) > USERNAME_MAX:
        raise ValidationError(_("Usernames can have at most 30 characters."), code="max_length")
    if not USERNAME_RE.match(value):
        raise ValidationError(
            _("Usernames can only use letters, numbers, underscores and periods."), code="invalid"
        )
    if value.startswith(".") or value.endswith(".") or ".." in value:
        raise ValidationError(
            _("Usernames can't start or end with a period or have two periods in a row."), code="invalid"
        )
    if value in RESERVED_USERNAMES:
        raise ValidationError(_("This username isn't available."), code="reserved")


PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,24}$")


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("Enter a phone number such as +44 20 7946 0958."), code="invalid")
