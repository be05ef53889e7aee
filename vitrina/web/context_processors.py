from functools import cache, partial

from vitrina.social.selectors import pending_requests_count


def navigation(request):
    """The count of pending follow requests, for the screens that show it (privacy, notifications): a
    callable read once and only where a template uses it, so other pages do not pay its query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_private:
        # Only private accounts receive requests: going public approves them all.
        return {"pending_requests": 0}
    return {"pending_requests": cache(partial(pending_requests_count, user))}
