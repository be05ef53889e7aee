import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vitrina.accounts.validators import validate_phone, validate_username


class AccountType(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    CREATOR = "creator", _("Creator")
    BUSINESS = "business", _("Business")


class BusinessCategory(models.TextChoices):
    CLOTHING = "clothing", _("Clothing and fashion")
    BEAUTY = "beauty", _("Beauty and cosmetics")
    JEWELRY = "jewelry", _("Jewelry and accessories")
    HOME = "home", _("Home and garden")
    FOOD = "food", _("Food and drink")
    RESTAURANT = "restaurant", _("Restaurant and café")
    ELECTRONICS = "electronics", _("Electronics")
    HANDMADE = "handmade", _("Handmade and crafts")
    ART = "art", _("Art and photography")
    BOOKS = "books", _("Books and stationery")
    SPORTS = "sports", _("Sports and outdoors")
    KIDS = "kids", _("Kids and toys")
    HEALTH = "health", _("Health and wellness")
    SERVICES = "services", _("Local services")
    TRAVEL = "travel", _("Travel and hospitality")
    OTHER = "other", _("Other")


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    # Who may see whom is decided in vitrina.social.visibility (accounts_listed), not here.


class VitrinaUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        return self.get(username=(username or "").lower())


class User(AbstractUser):
    username = models.CharField(
        _("username"), max_length=30, unique=True, validators=[validate_username],
        help_text=_("Up to 30 letters, numbers, periods and underscores."),
    )
    email = models.EmailField(_("email address"))
    # AbstractUser's first/last name do not fit names in every script; display_name does.
    first_name = None
    last_name = None
    display_name = models.CharField(_("name"), max_length=64, blank=True)
    bio = models.CharField(_("bio"), max_length=150, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    avatar = models.CharField(max_length=255, blank=True, help_text="Storage name of the avatar file.")
    # {"96": "<storage name>", "192": "<storage name>"}: the small WebP squares pages show. Empty for
    # an avatar stored before they existed, which pages show from `avatar` (manage.py avatar_variants).
    avatar_small = models.JSONField(default=dict, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=16, choices=AccountType.choices, default=AccountType.PERSONAL
    )
    is_private = models.BooleanField(_("private account"), default=False)
    category = models.CharField(_("category"), max_length=32, choices=BusinessCategory.choices, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=24, blank=True, validators=[validate_phone])
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    # When the member proved they read `email` (a link from it was opened); None: not yet.
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    # When the member last opened their feed (updated at most hourly): fan-out skips the long absent.
    last_active_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Denormalised counters, changed only by the follow services with F() updates
    # in the same transaction as the row they count.
    followers_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    # The language the member chose in Settings -> Language, for what reaches them outside a page
    # (order emails); blank: never chosen, LANGUAGE_CODE is used.
    language = models.CharField(_("language"), max_length=8, blank=True)

    objects = VitrinaUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self):
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("profile", args=[self.username])

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def avatar_files(self) -> list[str]:
        """Storage names of every file of the avatar (the JPEG and its small WebPs)."""
        return [name for name in (self.avatar, *(self.avatar_small or {}).values()) if name]

    @property
    def has_verified_email(self) -> bool:
        """Whether `email` is confirmed; the network works without it, taking shop orders will not."""
        return self.email_verified_at is not None

    @property
    def is_business(self) -> bool:
        return self.account_type == AccountType.BUSINESS

    @property
    def is_professional(self) -> bool:
        return self.account_type in (AccountType.CREATOR, AccountType.BUSINESS)


class Block(models.Model):
    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique")]


class UsernameHold(models.Model):
    """A username given up by a change, kept for its former owner until `until`.

    Nobody else can sign up with it or switch to it before then; the owner can take it back,
    and its old profile URL redirects to the new name meanwhile.
    """

    username = models.CharField(max_length=30, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="username_holds")
    until = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.username


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Shown to the member in Settings -> Security; the address only as a /24 or /48 network.
    user_agent = models.CharField(max_length=200, blank=True)
    ip_network = models.CharField(max_length=50, blank=True)

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "vt_" + secrets.token_urlsafe(32)


class BrowserSession(models.Model):
    """A logged-in browser, so that its member can see it and end it (Settings -> Security).

    Only a hash of the session key is kept. The session itself stores this row's id;
    a session whose row is gone is logged out on its next request.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    ip_network = models.CharField(max_length=50, blank=True)

    @staticmethod
    def hash(session_key: str) -> str:
        return hashlib.sha256(session_key.encode()).hexdigest()
