from datetime import timedelta

from django.utils import timezone

from vitrina.accounts.models import ApiToken, User

# last_used_at is informational; writing it on every request would cost a write per read.
TOKEN_TOUCH_EVERY = timedelta(minutes=10)


def user_for_token(key: str) -> User | None:
    if not key:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=ApiToken.hash(key))
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
