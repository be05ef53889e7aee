"""Reads of the follow graph that check what the viewer may see."""

from django.core.cache import cache
from django.utils.translation import gettext as _

from vitrina.accounts.models import Block, User
from vitrina.core.errors import NotFound
from vitrina.core.pagination import Page, paginate_desc
from vitrina.social import visibility
from vitrina.social.models import Follow, FollowRequest


def _authenticated(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def profile_get(*, viewer, username: str) -> User:
    """The account behind a profile URL, or 404 when its header does not reach the viewer.

    The blocker still reaches the profile of someone they blocked, to unblock them;
    `visibility.relationship()` then says `blocking` and no content is shown.
    """
    user = User.objects.active().filter(username=(username or "").lower().lstrip("@")).first()
    if user is None or not visibility.reaches_profile(viewer, user):
        raise NotFound(_not_found_message())
    return user


def _not_found_message():
    return _("This account does not exist.")


def _people_page(*, viewer, target: User, cursor, limit, people: str) -> Page:
    if not visibility.sees_content(viewer, target):
        raise NotFound(_not_found_message())
    if people == "followers":
        rows = Follow.objects.filter(target=target).select_related("follower")
        person = "follower"
    else:
        rows = Follow.objects.filter(follower=target).select_related("target")
        person = "target"
    rows = rows.filter(visibility.listed_q(viewer, account=person))
    page = paginate_desc(rows, cursor=cursor, limit=limit)
    page.items = [getattr(row, person) for row in page.items]
    return page


def followers_page(*, viewer, target: User, cursor=None, limit=None) -> Page:
    return _people_page(viewer=viewer, target=target, cursor=cursor, limit=limit, people="followers")


def following_page(*, viewer, target: User, cursor=None, limit=None) -> Page:
    return _people_page(viewer=viewer, target=target, cursor=cursor, limit=limit, people="following")


def _pending_requests(user: User):
    return FollowRequest.objects.filter(visibility.listed_q(user, account="requester"), target=user)


def follow_requests_page(*, user: User, cursor=None, limit=None) -> Page:
    rows = _pending_requests(user).select_related("requester")
    page = paginate_desc(rows, cursor=cursor, limit=limit)
    page.items = [row.requester for row in page.items]
    return page


def blocked_page(*, user: User, cursor=None, limit=None) -> Page:
    rows = Block.objects.filter(blocker=user).select_related("blocked")
    page = paginate_desc(rows, cursor=cursor, limit=limit)
    page.items = [row.blocked for row in page.items]
    return page


def follow_states(viewer, people: list[User]) -> dict[int, str]:
    """The viewer's follow state toward each person in a list, in two queries."""
    if not _authenticated(viewer) or not people:
        return {}
    ids = [p.pk for p in people]
    following = set(Follow.objects.filter(follower=viewer, target_id__in=ids).values_list("target_id", flat=True))
    requested = set(
        FollowRequest.objects.filter(requester=viewer, target_id__in=ids).values_list("target_id", flat=True)
    )
    return {
        pk: "self" if pk == viewer.pk else "following" if pk in following else "requested" if pk in requested else "none"
        for pk in ids
    }


FOLLOWING_TTL = 300


def following_key(user_id: int) -> str:
    return f"following:{user_id}"


def following_ids(user_id: int) -> list[int]:
    """Ids of the accounts a member follows, from the cache (services drop it on every change).

    The home feed reads it on every request; the cache saves that query. Suspended
    accounts may be in it: readers check who is active where it matters.
    """
    key = following_key(user_id)
    ids = cache.get(key)
    if ids is None:
        ids = list(Follow.objects.filter(follower_id=user_id).values_list("target_id", flat=True))
        cache.set(key, ids, FOLLOWING_TTL)
    return ids


def pending_requests_count(user: User) -> int:
    return _pending_requests(user).count()
