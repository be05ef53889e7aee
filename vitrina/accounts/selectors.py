from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from vitrina.accounts.models import ApiToken, BrowserSession, User

# last_used_at is informational; writing it on every request would cost a write per read.
TOKEN_TOUCH_EVERY = timedelta(minutes=10)


def language_of(user) -> str:
    """The language a member reads messages sent to them in (emails, push): the one they chose
    (User.language), or the instance's default."""
    chosen = getattr(user, "language", "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# "Active" followers (insights' audience, the rating's audience quality) opened Vitrina this recently.
ACTIVE_DAYS = 30


def active_since(since, *, via: str = "") -> Q:
    """Members who opened Vitrina since `since`: signed in (last_login) or read their feed (last_active_at,
    touched at most hourly). The one rule behind "active followers" in insights and in the rating;
    `via` is the lookup path to the member ("follower__" from a Follow)."""
    return Q(**{f"{via}last_login__gte": since}) | Q(**{f"{via}last_active_at__gte": since})


def user_for_token(key: str) -> User | None:
    if not key:
        return None
    now = timezone.now()
    # Every API request comes through here: a raw statement skips building the ORM
    # query, which cost more than the lookup itself (bench/feed.py, profile pass).
    found = list(User.objects.raw(
        f"SELECT u.*, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale"
        f" FROM {User._meta.db_table} u JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id"
        " WHERE t.key_hash = %s",
        [now - TOKEN_TOUCH_EVERY, ApiToken.hash(key)],
    ))
    if not found or not found[0].is_active:
        return None
    user = found[0]
    if user.token_stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


# A member with more than this many live tokens sees the most recently used ones.
SESSIONS_LISTED = 100


def device_label(user_agent: str) -> str:
    """A short "Browser on System" from a user agent, or the agent itself when unknown."""
    agent = user_agent or ""
    browsers = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
                ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
    systems = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
               ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
    browser = next((name for mark, name in browsers if mark in agent), "")
    system = next((name for mark, name in systems if mark in agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or agent[:60]


def sessions_of(*, user: User, current_session_id: int | None = None, current_token_id: int | None = None) -> list[dict]:
    """The member's live browser sessions and API tokens, the most recently used first."""
    rows = []
    for row in BrowserSession.objects.filter(user=user).order_by("-last_used_at")[:SESSIONS_LISTED]:
        rows.append({"id": f"session-{row.pk}", "kind": "session", "name": "", "created_at": row.created_at,
                     "last_used_at": row.last_used_at, "user_agent": row.user_agent,
                     "device": device_label(row.user_agent), "ip_network": row.ip_network,
                     "current": row.pk == current_session_id})
    tokens = ApiToken.objects.filter(user=user).order_by(F("last_used_at").desc(nulls_last=True), "-created_at")
    for row in tokens[:SESSIONS_LISTED]:
        rows.append({"id": f"token-{row.pk}", "kind": "token", "name": row.name, "created_at": row.created_at,
                     "last_used_at": row.last_used_at, "user_agent": row.user_agent,
                     "device": device_label(row.user_agent), "ip_network": row.ip_network,
                     "current": row.pk == current_token_id})
    rows.sort(key=lambda r: (not r["current"], -(r["last_used_at"] or r["created_at"]).timestamp()))
    return rows
