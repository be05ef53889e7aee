"""Who may see what: the one rule, and each form of it that a surface needs.

Every page, API endpoint, feed, Explore, search, list and service that writes on a post asks
this module; none writes its own copy of the rule. For a viewer V (None or anonymous: a
visitor, who follows nobody and blocks nobody) and an account A:

- A's **content** — posts with their likes and comments, A's follower and following lists —
  is visible to V when A is active and either V is A, or there is no block between them
  (either way) and A is public or V follows A.
- A is **listed** for V — in search, follower lists, likers, commenters, mentions,
  suggestions — when A is active and there is no block between them either way.
- A's **profile header** reaches V when A is active and A has not blocked V: whoever blocked
  someone still reaches their profile, to unblock them, but sees no content.

The rule comes in two forms kept side by side below: Python over one pair's facts
(`sees_content`, `is_listed`, `reaches_profile`) and SQL filters over any rows that point to
an account (`content_q`, `listed_q`). tests/test_visibility_property.py holds every surface
equal to the rule written out plainly, under random follows, requests, approvals, blocks,
unblocks, privacy changes and suspensions.

One consequence is used for speed by the home feed (`feed_authors`): a follow never exists
across a block, so for the accounts V follows, "content visible" reduces to "active".
vitrina.social.services keeps that true: it writes a follow only while holding both accounts'
rows locked and after checking for a block under that lock, and a block takes the same locks
before it removes the follows and requests between the two.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from vitrina.accounts.models import Block, User
from vitrina.social.models import Follow, FollowRequest


def _member(viewer) -> User | None:
    return viewer if viewer is not None and viewer.is_authenticated else None


# --- Python form: one pair ----------------------------------------------------------------------


@dataclass(frozen=True)
class Relationship:
    """What lies between a viewer and one account. `blocked_by` is never shown to the viewer."""

    following: bool = False
    requested: bool = False
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    is_self: bool = False


def relationship(viewer, target: User) -> Relationship:
    """The pair's facts, in three queries (follows both ways, a request, blocks both ways)."""
    viewer = _member(viewer)
    if viewer is None:
        return Relationship()
    if viewer.pk == target.pk:
        return Relationship(is_self=True)
    pair = Q(follower=viewer, target=target) | Q(follower=target, target=viewer)
    edges = set(Follow.objects.filter(pair).values_list("follower_id", flat=True))
    blocks = set(
        Block.objects.filter(Q(blocker=viewer, blocked=target) | Q(blocker=target, blocked=viewer))
        .values_list("blocker_id", flat=True)
    )
    return Relationship(
        following=viewer.pk in edges,
        followed_by=target.pk in edges,
        requested=FollowRequest.objects.filter(requester=viewer, target=target).exists(),
        blocking=viewer.pk in blocks,
        blocked_by=target.pk in blocks,
    )


def _content_rule(*, active: bool, is_self: bool, blocked: bool, public: bool, follows: bool) -> bool:
    return active and (is_self or (not blocked and (public or follows)))


def _blocked_either_way(viewer: User, target: User) -> bool:
    return Block.objects.filter(Q(blocker=viewer, blocked=target) | Q(blocker=target, blocked=viewer)).exists()


def sees_content(viewer, target: User, rel: Relationship | None = None) -> bool:
    """Whether the viewer may see the target's posts and lists (at most two queries without `rel`)."""
    viewer = _member(viewer)
    is_self = viewer is not None and viewer.pk == target.pk
    if viewer is None or is_self or not target.is_active:
        return _content_rule(active=target.is_active, is_self=is_self, blocked=False,
                             public=not target.is_private, follows=False)
    if rel is None:
        blocked = _blocked_either_way(viewer, target)
        follows = (not blocked and target.is_private
                   and Follow.objects.filter(follower=viewer, target=target).exists())
    else:
        blocked, follows = rel.blocking or rel.blocked_by, rel.following
    return _content_rule(active=True, is_self=False, blocked=blocked, public=not target.is_private, follows=follows)


def is_listed(viewer, target: User) -> bool:
    viewer = _member(viewer)
    if not target.is_active:
        return False
    return viewer is None or viewer.pk == target.pk or not _blocked_either_way(viewer, target)


def reaches_profile(viewer, target: User) -> bool:
    viewer = _member(viewer)
    if not target.is_active:
        return False
    if viewer is None or viewer.pk == target.pk:
        return True
    return not Block.objects.filter(blocker=target, blocked=viewer).exists()


# --- SQL form: filters over rows that point to an account --------------------------------------
# `account` names the account in the rows filtered: "author" for posts and comments, "user" for
# likes, "post__author" for rows about posts, "" for users themselves.


def _paths(account: str) -> tuple[str, str]:
    """(prefix for the account's fields, path of its id for OuterRef)."""
    if not account:
        return "", "pk"
    return f"{account}__", f"{account}_id"


def _blocks_with(viewer: User, account_id: str) -> Exists:
    return Exists(Block.objects.filter(
        Q(blocker=viewer, blocked=OuterRef(account_id)) | Q(blocker=OuterRef(account_id), blocked=viewer)
    ))


def content_q(viewer, *, account: str = "author") -> Q:
    """`sees_content` as a filter: rows whose account's content the viewer may see."""
    prefix, account_id = _paths(account)
    active = Q(**{f"{prefix}is_active": True})
    public = Q(**{f"{prefix}is_private": False})
    viewer = _member(viewer)
    if viewer is None:
        return active & public
    is_self = Q(**{account_id: viewer.pk})
    follows = Exists(Follow.objects.filter(follower=viewer, target=OuterRef(account_id)))
    # Nobody blocks themself, so the block test may stand outside the OR: the shape whose plans
    # search and the feed's pill were measured with.
    return active & ~_blocks_with(viewer, account_id) & (public | is_self | follows)


def content_sql(viewer, *, account_id: str) -> tuple[str, list]:
    """`content_q` as SQL text and its parameters, for a raw query whose column `account_id` (e.g.
    "p.author_id") holds the account: for a hot caller where building and compiling the ORM form costs
    more than running it (the post-view beacon: milliseconds a call). Tested to agree with the other forms."""
    user, follow, block = User._meta.db_table, Follow._meta.db_table, Block._meta.db_table
    viewer = _member(viewer)
    if viewer is None:
        return f"EXISTS (SELECT 1 FROM {user} u WHERE u.id = {account_id} AND u.is_active AND NOT u.is_private)", []
    sql = (f"EXISTS (SELECT 1 FROM {user} u WHERE u.id = {account_id} AND u.is_active AND (NOT u.is_private "
           f"OR u.id = %s OR EXISTS (SELECT 1 FROM {follow} f WHERE f.follower_id = %s AND f.target_id = u.id))) "
           f"AND NOT EXISTS (SELECT 1 FROM {block} b WHERE (b.blocker_id = %s AND b.blocked_id = {account_id}) "
           f"OR (b.blocker_id = {account_id} AND b.blocked_id = %s))")
    return sql, [viewer.pk] * 4


def listed_q(viewer, *, account: str = "") -> Q:
    """`is_listed` as a filter: rows whose account the viewer may find and see in lists."""
    prefix, account_id = _paths(account)
    active = Q(**{f"{prefix}is_active": True})
    viewer = _member(viewer)
    if viewer is None:
        return active
    # A member never has a block with themself, so the same test lists them too.
    return active & ~_blocks_with(viewer, account_id)


def accounts_listed(viewer):
    """Accounts the viewer may find and see in lists."""
    return User.objects.filter(listed_q(viewer))


def block_partner_ids(viewer) -> set[int]:
    """Accounts with a block between them and the viewer, either way (one query).

    For surfaces that filter a shared, already public set in Python (Explore's pool, trending
    hashtags): among active public accounts, exactly these are hidden from the viewer.
    """
    viewer = _member(viewer)
    if viewer is None:
        return set()
    pairs = Block.objects.filter(Q(blocker=viewer) | Q(blocked=viewer)).values_list("blocker_id", "blocked_id")
    return {blocker if blocked == viewer.pk else blocked for blocker, blocked in pairs}


# --- Ids checked for the raw card SQL -----------------------------------------------------------


@dataclass(frozen=True)
class CheckedPostIds:
    """Ids of posts that passed the rule for one reader, except for their authors' activity.

    vitrina.posts.cards.fresh_rows, the raw SQL behind the most read lists, takes only these
    and checks the authors' activity itself. There are two ways to make them, both below:
    `posts_by_feed_authors` (the home feed's shortcut) and `posts_checked` (ids that were just
    filtered by the rule in SQL, as search does).
    """

    ids: tuple[int, ...]


def posts_checked(ids) -> CheckedPostIds:
    """Ids that the caller has just filtered with `content_q` (Post.objects.visible_to) for this reader."""
    return CheckedPostIds(tuple(ids))


def posts_by_feed_authors(entries, authors: frozenset[int]) -> CheckedPostIds:
    """Of (post id, author id) pairs, the ids whose author is in `feed_authors` of this reader."""
    return CheckedPostIds(tuple(pid for pid, author in entries if author in authors))


# --- The home feed's shortcut ------------------------------------------------------------------


def feed_authors(viewer: User, following: list[int]) -> frozenset[int]:
    """The accounts whose posts the home feed shows: the viewer and those they follow.

    By the rule their content is visible to the viewer while they are active: the viewer is
    themself or follows them (for a private account a follow exists only once approved), and a
    follow never exists across a block (see the module docstring for how the services keep
    that true). So a post by one of them needs only its author's activity checked, which
    vitrina.posts.cards.fresh_rows does in its SQL. `following` is the viewer's followed ids
    as read now (vitrina.social.selectors.following_ids).
    """
    return frozenset((viewer.pk, *following))
