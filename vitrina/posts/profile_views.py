"""The profile page: an account's header from the follow graph, its grid of posts below.

It lives in posts rather than social because it needs the grid (posts_of) as much as the
header, and posts builds on social, never the reverse.
"""

from django.http import Http404
from django.shortcuts import redirect

from vitrina.accounts.username_services import username_redirect
from vitrina.core.errors import NotFound
from vitrina.core.htmx import render_htmx
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.insights import recording
from vitrina.insights.models import Kind
from vitrina.posts import selectors as post_selectors
from vitrina.social import selectors as social_selectors
from vitrina.social import visibility

PROFILE_PAGE = 24  # eight rows of three


def _to_new_name(request, old_username):
    """A name given up by a change points to the new one while it is held."""
    current = username_redirect(old_username)
    if current is None:
        raise Http404
    # A 404 (NotFound) too for those who may not see the account: no hint of its new name.
    social_selectors.profile_get(viewer=request.user, username=current)
    return redirect("profile", username=current)


@not_found_as_404
def profile(request, username):
    """The profile page: the header from the follow graph, the grid from posts."""
    try:
        target = social_selectors.profile_get(viewer=request.user, username=username)
    except NotFound:
        return _to_new_name(request, username)
    rel = visibility.relationship(request.user, target)
    can_see = visibility.sees_content(request.user, target, rel)
    if not request.htmx:  # the page itself, not its next grid pages
        recording.hit_by(request.user, kind=Kind.PROFILE_VISIT, account_id=target.pk, source="profile")
    page = None
    if can_see:
        try:
            page = post_selectors.posts_of(viewer=request.user, author=target, cursor=request.GET.get("cursor"),
                                           limit=PROFILE_PAGE)
        except InvalidCursor:
            return redirect(request.path)
    context = {"profile": target, "rel": rel, "can_see": can_see, "page": page}
    return render_htmx(request, "posts/profile.html", "posts/_grid_items.html", context)
