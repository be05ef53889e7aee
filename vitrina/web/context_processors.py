from functools import partial

from django.utils.functional import SimpleLazyObject

from vitrina.messaging.selectors import unread_total
from vitrina.social.selectors import pending_requests_count


def navigation(request):
    """What the navigation needs on every page: the count of pending follow requests, and of
    conversations with unread messages (one query, run only when a page shows the badge)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending_requests": 0, "direct_unread": 0}
    # Only private accounts receive requests: going public approves them all.
    pending = pending_requests_count(user) if user.is_private else 0
    return {"pending_requests": pending, "direct_unread": SimpleLazyObject(partial(unread_total, user))}
