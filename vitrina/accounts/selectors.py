from datetime import timedelta

from django.utils import timezone

from vitrina.accounts.models import ApiToken, User

# last_used_at is informational; writing it on every request would cost a write per read.
TOKEN_TOUCH_EVERY = timedelta(minutes=10)


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
