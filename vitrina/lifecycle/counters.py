"""Counters recomputed from the rows they count, for the accounts and posts around one member.

The rule: a counter shown to others counts only rows of active accounts. Followers,
following, likes and comments of a deactivated (deleted or suspended) account drop out
of everyone's counts at once, as they drop out of every list, and come back if the
account does. The everyday services keep the counters with F() updates; this module
is for the rare moments when a member's activity flips, and for the purge.

Hashtag.post_count is not recomputed here: it counts every post (readers count the
posts they may see, vitrina.posts.selectors.hashtag_post_count), and post_delete keeps it.

Locks are taken posts first, then accounts, each in primary-key order: the order the
post services already use (a post row, then its author's), so a recount cannot
deadlock with them. A recount run after the locks sees every committed row, so the
F() update of a like or follow that commits later still lands on top of it.
"""

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from vitrina.accounts.models import User
from vitrina.posts.models import Comment, Like, Post
from vitrina.social.models import Follow


def _count(rows, column: str):
    counted = rows.filter(**{column: OuterRef("pk")}).order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def around(user: User) -> tuple[set[int], set[int]]:
    """Ids of the accounts and posts whose counters include this member's rows (the member too)."""
    accounts = set(
        Follow.objects.filter(Q(follower=user) | Q(target=user)).values_list("follower_id", "target_id")
        .distinct().iterator()
    )
    account_ids = {pk for pair in accounts for pk in pair} | {user.pk}
    post_ids = set(Like.objects.filter(user=user).values_list("post_id", flat=True))
    post_ids |= set(Comment.objects.filter(author=user).values_list("post_id", flat=True))
    return account_ids, post_ids


def lock(*, account_ids, post_ids) -> None:
    """Row locks for a recount in the caller's transaction, in the order the services take them."""
    list(Post.objects.select_for_update().filter(pk__in=post_ids).order_by("pk").values_list("pk", flat=True))
    list(User.objects.select_for_update().filter(pk__in=account_ids).order_by("pk").values_list("pk", flat=True))


def recount(*, account_ids, post_ids) -> None:
    """Set each counter to the number of rows it counts. Call inside a transaction after lock()."""
    if post_ids:
        Post.objects.filter(pk__in=post_ids).update(
            like_count=_count(Like.objects.filter(user__is_active=True), "post"),
            comment_count=_count(Comment.objects.filter(author__is_active=True), "post"),
        )
    if account_ids:
        User.objects.filter(pk__in=account_ids).update(
            followers_count=_count(Follow.objects.filter(follower__is_active=True), "target"),
            following_count=_count(Follow.objects.filter(target__is_active=True), "follower"),
            posts_count=_count(Post.objects.all(), "author"),
        )


def change_activity(*, user: User, change) -> None:
    """Run `change()` (which flips the member's is_active) and recount around the member, atomically."""
    with transaction.atomic():
        account_ids, post_ids = around(user)
        lock(account_ids=account_ids, post_ids=post_ids)
        change()
        recount(account_ids=account_ids, post_ids=post_ids)
