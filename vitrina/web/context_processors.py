from vitrina.social.selectors import pending_requests_count


def navigation(request):
    """What the navigation needs on every page: the count of pending follow requests."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_private:
        # Only private accounts receive requests: going public approves them all.
        return {"pending_requests": 0}
    return {"pending_requests": pending_requests_count(user)}
