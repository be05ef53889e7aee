"""Writes for the follow graph: follows, follow requests, blocks, privacy.

Counters on User change only here, with F() updates in the transaction that adds
or removes the Follow row, so they stay equal to the number of rows under
concurrency. When both ends' counters change, rows are updated in primary-key
order so two opposite follows cannot deadlock.
"""

from functools import partial

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from vitrina.accounts import services as account_services
from vitrina.accounts.models import Block, User
from vitrina.core import throttle
from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.social.models import Follow, FollowRequest
from vitrina.social.selectors import following_key


class FollowState:
    FOLLOWING = "following"
    REQUESTED = "requested"
    NONE = "none"


def _bump_counters(*, follower_id: int, target_id: int, delta: int) -> None:
    updates = {
        follower_id: {"following_count": F("following_count") + delta},
        target_id: {"followers_count": F("followers_count") + delta},
    }
    for pk in sorted(updates):
        User.objects.filter(pk=pk).update(**updates[pk])


def _forget_following(follower_id: int) -> None:
    # Now, and again after commit: a reader between the two could cache the old list.
    cache.delete(following_key(follower_id))
    transaction.on_commit(partial(cache.delete, following_key(follower_id)))


def _follow_insert(*, follower: User, target: User) -> bool:
    """Add the Follow row and its counters; False when it already existed."""
    try:
        with transaction.atomic():
            Follow.objects.create(follower=follower, target=target)
            _bump_counters(follower_id=follower.pk, target_id=target.pk, delta=1)
    except IntegrityError:
        return False
    _forget_following(follower.pk)
    return True


def _follow_remove(*, follower_id: int, target_id: int) -> bool:
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(follower_id=follower_id, target_id=target_id).delete()
        if deleted:
            _bump_counters(follower_id=follower_id, target_id=target_id, delta=-1)
            _forget_following(follower_id)
    return bool(deleted)


def _check_can_follow(*, follower: User, target: User) -> None:
    if follower.pk == target.pk:
        raise InvalidInput(_("You can't follow yourself."), code="cannot_follow_self")
    if not target.is_active or Block.objects.filter(blocker=target, blocked=follower).exists():
        # Never tell someone they were blocked: the account simply is not there.
        raise NotFound(_("This account does not exist."))
    if Block.objects.filter(blocker=follower, blocked=target).exists():
        raise Conflict(_("Unblock this account to follow it."), code="blocking")


def _lock_pair(a: User, b: User) -> dict[int, User]:
    """Lock both accounts' rows, in primary-key order, and return them fresh."""
    rows = User.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk")
    return {row.pk: row for row in rows}


def follow_create(*, follower: User, target: User) -> str:
    """Follow a public account, or ask to follow a private one. Idempotent.

    Both rows are locked first, so privacy is read as it is now (not from a stale
    object) and a parallel switch to private cannot slip a follow past approval.
    """
    throttle.rate_limit(action="follow", ident=follower.pk)
    _check_can_follow(follower=follower, target=target)
    with transaction.atomic():
        target = _lock_pair(follower, target)[target.pk]
        if Follow.objects.filter(follower=follower, target=target).exists():
            return FollowState.FOLLOWING
        if target.is_private:
            FollowRequest.objects.get_or_create(requester=follower, target=target)
            return FollowState.REQUESTED
        _follow_insert(follower=follower, target=target)
    return FollowState.FOLLOWING


def follow_delete(*, follower: User, target: User) -> str:
    """Unfollow, or withdraw a pending request. Idempotent."""
    FollowRequest.objects.filter(requester=follower, target=target).delete()
    _follow_remove(follower_id=follower.pk, target_id=target.pk)
    return FollowState.NONE


def follow_request_approve(*, target: User, requester: User) -> None:
    with transaction.atomic():
        deleted, _rows = FollowRequest.objects.filter(requester=requester, target=target).delete()
        if not deleted:
            raise NotFound(_("There is no follow request from this account."))
        if requester.is_active:
            _follow_insert(follower=requester, target=target)


def follow_request_deny(*, target: User, requester: User) -> None:
    deleted, _rows = FollowRequest.objects.filter(requester=requester, target=target).delete()
    if not deleted:
        raise NotFound(_("There is no follow request from this account."))


def follower_remove(*, user: User, follower: User) -> None:
    """The account owner removes someone from their followers. Idempotent."""
    _follow_remove(follower_id=follower.pk, target_id=user.pk)


def block_create(*, blocker: User, target: User) -> None:
    """Block: ends follows and requests both ways; each disappears for the other."""
    if blocker.pk == target.pk:
        raise InvalidInput(_("You can't block yourself."), code="cannot_block_self")
    if not target.is_active or Block.objects.filter(blocker=target, blocked=blocker).exists():
        raise NotFound(_("This account does not exist."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                Block.objects.create(blocker=blocker, blocked=target)
        except IntegrityError:
            pass  # Already blocked; still make sure nothing is left between them.
        _follow_remove(follower_id=blocker.pk, target_id=target.pk)
        _follow_remove(follower_id=target.pk, target_id=blocker.pk)
        FollowRequest.objects.filter(
            Q(requester=blocker, target=target) | Q(requester=target, target=blocker)
        ).delete()


def block_delete(*, blocker: User, target: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=target).delete()


def privacy_set(*, user: User, is_private: bool) -> None:
    """Going public approves every pending request, as people expect."""
    if user.is_private == is_private:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_private=is_private)
        user.is_private = is_private
        if not is_private:
            pending = FollowRequest.objects.filter(target=user).select_related("requester")
            for request in list(pending):
                follow_request_approve(target=user, requester=request.requester)


def account_update(*, user: User, data: dict) -> User:
    """The one write path for "edit profile" (page and API): fields and privacy together."""
    data = dict(data)
    is_private = data.pop("is_private", None)
    if is_private is not None and not isinstance(is_private, bool):
        raise InvalidInput(_("Choose true or false."), fields={"is_private": [_("Choose true or false.")]})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        account_services.profile_update(user=locked, data=data)
        if is_private is not None:
            privacy_set(user=locked, is_private=is_private)
    locked.refresh_from_db()
    return locked
