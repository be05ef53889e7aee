from functools import partial

from vitrina.notifications.selectors import unread_count


def unread(request):
    """The top bar's badge: a callable, so the count is read (from the cache, mostly) only where a
    template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": partial(unread_count, user)}
