from functools import cache, partial

from django.utils.functional import SimpleLazyObject

from vitrina.messaging.selectors import unread_total
from vitrina.social.selectors import pending_requests_count


def navigation(request):
    """What the navigation needs: the count of pending follow requests, for the screens that show it
    (privacy, notifications), and of conversations with unread messages, for the top bar; each is read
    once and only where a template uses it, so other pages do not pay its query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending_requests": 0, "direct_unread": 0}
    # Only private accounts receive requests: going public approves them all.
    pending = cache(partial(pending_requests_count, user)) if user.is_private else 0
    return {"pending_requests": pending, "direct_unread": SimpleLazyObject(partial(unread_total, user))}
