from datetime import datetime

from ninja import Field, Schema

from vitrina.media.images import url_of


class AccountSummary(Schema):
    username: str
    display_name: str
    avatar_url: str
    account_type: str
    is_private: bool

    @staticmethod
    def resolve_avatar_url(obj):
        return url_of(obj.avatar)


class AccountOut(AccountSummary):
    bio: str
    website: str
    category: str
    city: str
    contact_email: str
    contact_phone: str
    followers_count: int
    following_count: int
    posts_count: int

    # Business contact fields are public only for business accounts.
    @staticmethod
    def resolve_category(obj):
        return obj.category if obj.is_business else ""

    @staticmethod
    def resolve_contact_email(obj):
        return obj.contact_email if obj.is_business else ""

    @staticmethod
    def resolve_contact_phone(obj):
        return obj.contact_phone if obj.is_business else ""


class MeOut(AccountOut):
    email: str
    email_verified: bool

    @staticmethod
    def resolve_email_verified(obj):
        return obj.has_verified_email


class AccountList(Schema):
    items: list[AccountSummary]
    next_cursor: str | None


class SignupIn(Schema):
    username: str
    email: str
    password: str
    account_type: str = "personal"
    display_name: str = ""


class SignupOut(Schema):
    token: str
    account: MeOut


# No NUL: PostgreSQL refuses it in the username look-up (a 500), and the log-in form refuses it too.
NO_NUL = r"^[^\x00]*$"


class TokenIn(Schema):
    username: str = Field(pattern=NO_NUL)
    password: str = Field(pattern=NO_NUL)


class TokenOut(Schema):
    token: str


class MePatch(Schema):
    display_name: str | None = None
    bio: str | None = None
    website: str | None = None
    email: str | None = None
    account_type: str | None = None
    is_private: bool | None = None
    category: str | None = None
    city: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


class PasswordIn(Schema):
    old_password: str
    new_password: str


class PasswordResetIn(Schema):
    email: str


class PasswordResetConfirmIn(Schema):
    uid: str
    token: str
    new_password: str


class EmailTokenIn(Schema):
    token: str


class EmailChangeIn(Schema):
    email: str
    password: str


class UsernameIn(Schema):
    username: str


class DetailOut(Schema):
    detail: str
class SessionOut(Schema):
    id: str
    kind: str  # "session" (a browser) or "token" (an app)
    name: str
    device: str
    user_agent: str
    ip_network: str
    created_at: datetime
    last_used_at: datetime | None
    current: bool


class SessionList(Schema):
    items: list[SessionOut]
    next_cursor: str | None


class SessionsEnded(Schema):
    ended: int
