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
from vitrina.events import kinds
from vitrina.events.services import record
from vitrina.social.models import Follow, FollowRequest
from vitrina.social.selectors import following_key


# Where a follow button may be, as the follow and unfollow events carry it (insights count by it).
FOLLOW_SOURCES = frozenset({"post", "profile", "explore", "search", "feed"})


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


def _follow_insert(*, follower: User, target: User, source: str = "") -> bool:
    """Add the Follow row and its counters; False when it already existed. `source`: where the
    follow button was (post, profile, explore, search), carried in the event for insights."""
    try:
        with transaction.atomic():
            Follow.objects.create(follower=follower, target=target)
            _bump_counters(follower_id=follower.pk, target_id=target.pk, delta=1)
            record(kinds.FOLLOW_CREATED, actor=follower, recipient=target, subject=target,
                   data={"source": source} if source else None)
    except IntegrityError:
        return False
    _forget_following(follower.pk)
    return True


def _follow_remove(*, follower_id: int, target_id: int, actor: User, source: str = "") -> bool:
    """`actor`: who ended it (the follower, the account removing a follower, or a block's author)."""
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(follower_id=follower_id, target_id=target_id).delete()
        if deleted:
            _bump_counters(follower_id=follower_id, target_id=target_id, delta=-1)
            _forget_following(follower_id)
            record(kinds.FOLLOW_DELETED, actor=actor, recipient_id=target_id, subject_type="user",
                   subject_id=target_id, data={"follower": follower_id, "target": target_id}
                   | ({"source": source} if source else {}))
    return bool(deleted)


def _lock(*pks: int) -> dict[int, User]:
    """Lock these accounts' rows, in primary-key order, and return them fresh by pk.

    Every write that could leave a follow or a request across a block takes both accounts'
    locks before it reads anything: follows, requests, approvals, blocks, going public. So
    the check for a block and the write it allows happen with no block able to come in
    between, and follows never cross a block (vitrina.social.visibility relies on it).
    """
    rows = User.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk")
    return {row.pk: row for row in rows}


def _lock_pair(a: User, b: User) -> tuple[User, User]:
    """Both rows locked and read fresh; an account deleted meanwhile does not exist."""
    locked = _lock(a.pk, b.pk)
    if a.pk not in locked or b.pk not in locked:
        raise NotFound(_("This account does not exist."))
    return locked[a.pk], locked[b.pk]


def _blocks(blocker: User, blocked: User) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def _blocked_either_way(a: User, b: User) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def _check_can_follow(*, follower: User, target: User) -> None:
    """Call with both rows locked, `target` read under the lock."""
    if not target.is_active or _blocks(target, follower):
        # Never tell someone they were blocked: the account simply is not there.
        raise NotFound(_("This account does not exist."))
    if _blocks(follower, target):
        raise Conflict(_("Unblock this account to follow it."), code="blocking")


def follow_create(*, follower: User, target: User, source: str = "") -> str:
    """Follow a public account, or ask to follow a private one. Idempotent.

    Both rows are locked first, so blocks and privacy are read as they are now (not from a
    stale object) and a parallel block or switch to private cannot slip a follow past them.
    """
    if follower.pk == target.pk:
        raise InvalidInput(_("You can't follow yourself."), code="cannot_follow_self")
    source = source if source in FOLLOW_SOURCES else ""
    throttle.rate_limit(action="follow", ident=follower.pk)
    with transaction.atomic():
        follower, target = _lock_pair(follower, target)
        _check_can_follow(follower=follower, target=target)
        if Follow.objects.filter(follower=follower, target=target).exists():
            return FollowState.FOLLOWING
        if target.is_private:
            _request, created = FollowRequest.objects.get_or_create(requester=follower, target=target)
            if created:
                record(kinds.FOLLOW_REQUESTED, actor=follower, recipient=target, subject=target)
            return FollowState.REQUESTED
        _follow_insert(follower=follower, target=target, source=source)
    return FollowState.FOLLOWING


def follow_delete(*, follower: User, target: User, source: str = "") -> str:
    """Unfollow, or withdraw a pending request. Idempotent."""
    with transaction.atomic():
        withdrawn, _rows = FollowRequest.objects.filter(requester=follower, target=target).delete()
        if withdrawn:
            record(kinds.FOLLOW_REQUEST_WITHDRAWN, actor=follower, recipient=target, subject=target)
        _follow_remove(follower_id=follower.pk, target_id=target.pk, actor=follower, source=source)
    return FollowState.NONE


def _approve_locked(*, target: User, requester: User) -> bool:
    """Turn a pending request into a follow; False when there was none. Both rows locked, `requester` fresh."""
    deleted, _rows = FollowRequest.objects.filter(requester=requester, target=target).delete()
    if not deleted:
        return False
    # A block removes requests under the same locks, so none should be left across one; the
    # check keeps a follow from ever crossing a block even so.
    if requester.is_active and not _blocked_either_way(requester, target):
        if _follow_insert(follower=requester, target=target):
            record(kinds.FOLLOW_APPROVED, actor=target, recipient=requester, subject=target)
    return True


def follow_request_approve(*, target: User, requester: User) -> None:
    with transaction.atomic():
        target, requester = _lock_pair(target, requester)
        if not _approve_locked(target=target, requester=requester):
            raise NotFound(_("There is no follow request from this account."))


def follow_request_deny(*, target: User, requester: User) -> None:
    with transaction.atomic():
        deleted, _rows = FollowRequest.objects.filter(requester=requester, target=target).delete()
        if not deleted:
            raise NotFound(_("There is no follow request from this account."))
        record(kinds.FOLLOW_REQUEST_DENIED, actor=target, recipient=requester, subject=target)


def follower_remove(*, user: User, follower: User) -> None:
    """The account owner removes someone from their followers. Idempotent."""
    _follow_remove(follower_id=follower.pk, target_id=user.pk, actor=user)


def block_create(*, blocker: User, target: User) -> None:
    """Block: ends follows and requests both ways; each disappears for the other.

    Under both rows' locks, like every write that adds a follow or a request, so none can
    land between the block and the clean-up.
    """
    if blocker.pk == target.pk:
        raise InvalidInput(_("You can't block yourself."), code="cannot_block_self")
    with transaction.atomic():
        blocker, target = _lock_pair(blocker, target)
        if not target.is_active or _blocks(target, blocker):
            raise NotFound(_("This account does not exist."))
        try:
            with transaction.atomic():
                Block.objects.create(blocker=blocker, blocked=target)
        except IntegrityError:
            pass  # Already blocked; still make sure nothing is left between them.
        _follow_remove(follower_id=blocker.pk, target_id=target.pk, actor=blocker)
        _follow_remove(follower_id=target.pk, target_id=blocker.pk, actor=blocker)
        FollowRequest.objects.filter(
            Q(requester=blocker, target=target) | Q(requester=target, target=blocker)
        ).delete()


def block_delete(*, blocker: User, target: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=target).delete()


def _lock_for_privacy(user: User, *, going_public: bool) -> User:
    """Lock the account's row and, when it may go public, its requesters' rows: in one ordered batch.

    Going public approves every pending request, which writes follows and both ends'
    counters; taking the requesters' locks later, one by one, would break the primary-key
    order that keeps two writers from deadlocking. A request that arrives between the read
    of the requesters and the lock is locked after them (its sender waits on this account's
    lock, so no further one can arrive).
    """
    requesters = []
    if going_public:
        requesters = FollowRequest.objects.filter(target=user).values_list("requester_id", flat=True)
    locked = _lock(user.pk, *requesters)
    if user.pk not in locked:
        raise NotFound(_("This account does not exist."))
    return locked[user.pk]


def _privacy_apply(*, user: User, is_private: bool) -> None:
    """Set privacy on a row locked by _lock_for_privacy; going public approves every pending request."""
    if user.is_private == is_private:
        return
    User.objects.filter(pk=user.pk).update(is_private=is_private)
    user.is_private = is_private
    if not is_private:
        pending = FollowRequest.objects.filter(target=user).values_list("requester_id", flat=True)
        for requester in _lock(user.pk, *pending).values():
            if requester.pk != user.pk:
                _approve_locked(target=user, requester=requester)


def privacy_set(*, user: User, is_private: bool) -> None:
    """Going public approves every pending request, as people expect."""
    with transaction.atomic():
        locked = _lock_for_privacy(user, going_public=not is_private)
        _privacy_apply(user=locked, is_private=is_private)
    user.is_private = is_private


def account_update(*, user: User, data: dict) -> User:
    """The one write path for "edit profile" (page and API): fields and privacy together."""
    data = dict(data)
    is_private = data.pop("is_private", None)
    if is_private is not None and not isinstance(is_private, bool):
        raise InvalidInput(_("Choose true or false."), fields={"is_private": [_("Choose true or false.")]})
    with transaction.atomic():
        locked = _lock_for_privacy(user, going_public=is_private is False)
        account_services.profile_update(user=locked, data=data)
        if is_private is not None:
            _privacy_apply(user=locked, is_private=is_private)
    locked.refresh_from_db()
    return locked
