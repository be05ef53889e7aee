"""Reads of the follow graph that check what the viewer may see."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from vitrina.accounts.models import Block, User
from vitrina.core.errors import NotFound
from vitrina.core.pagination import Page, paginate_desc
from vitrina.social.models import Follow, FollowRequest


def _authenticated(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def profile_get(*, viewer, username: str) -> User:
    """The account behind a profile URL, or 404 when it is gone, suspended or has blocked the viewer.

    The blocker still reaches the profile of someone they blocked, to unblock them;
    `relationship()` then says `blocking` and no content is shown.
    """
    user = User.objects.active().filter(username=(username or "").lower().lstrip("@")).first()
    if user is None:
        raise NotFound(_not_found_message())
    if _authenticated(viewer) and user.pk != viewer.pk and Block.objects.filter(blocker=user, blocked=viewer).exists():
        raise NotFound(_not_found_message())
    return user


def _not_found_message():
    return _("This account does not exist.")


@dataclass
class Relationship:
    following: bool = False
    requested: bool = False
    followed_by: bool = False
    blocking: bool = False
    is_self: bool = False


def relationship(viewer, target: User) -> Relationship:
    if not _authenticated(viewer):
        return Relationship()
    if viewer.pk == target.pk:
        return Relationship(is_self=True)
    pair = Q(follower=viewer, target=target) | Q(follower=target, target=viewer)
    edges = set(Follow.objects.filter(pair).values_list("follower_id", flat=True))
    return Relationship(
        following=viewer.pk in edges,
        followed_by=target.pk in edges,
        requested=FollowRequest.objects.filter(requester=viewer, target=target).exists(),
        blocking=Block.objects.filter(blocker=viewer, blocked=target).exists(),
    )


def can_see_content(viewer, target: User, rel: Relationship | None = None) -> bool:
    """Posts and follower lists: the owner, anyone for public accounts, approved followers for private ones."""
    rel = rel or relationship(viewer, target)
    if rel.is_self:
        return True
    if rel.blocking:
        return False
    return not target.is_private or rel.following


def _people_page(*, viewer, target: User, cursor, limit, people: str) -> Page:
    if not can_see_content(viewer, target):
        raise NotFound(_not_found_message())
    if people == "followers":
        rows = Follow.objects.filter(target=target).select_related("follower")
        person = "follower"
    else:
        rows = Follow.objects.filter(follower=target).select_related("target")
        person = "target"
    visible = User.objects.visible_to(viewer)
    rows = rows.filter(**{f"{person}__in": visible})
    page = paginate_desc(rows, cursor=cursor, limit=limit)
    page.items = [getattr(row, person) for row in page.items]
    return page


def followers_page(*, viewer, target: User, cursor=None, limit=None) -> Page:
    return _people_page(viewer=viewer, target=target, cursor=cursor, limit=limit, people="followers")


def following_page(*, viewer, target: User, cursor=None, limit=None) -> Page:
    return _people_page(viewer=viewer, target=target, cursor=cursor, limit=limit, people="following")


def follow_requests_page(*, user: User, cursor=None, limit=None) -> Page:
    rows = FollowRequest.objects.filter(target=user, requester__is_active=True).select_related("requester")
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
    return FollowRequest.objects.filter(target=user, requester__is_active=True).count()
