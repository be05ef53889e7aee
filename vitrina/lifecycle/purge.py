"""The purge: an account whose grace period is over is removed with its rows and files."""

import logging
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vitrina.accounts.models import Block, User
from vitrina.insights import services as insights_services
from vitrina.lifecycle import counters, exports
from vitrina.lifecycle.models import AccountDeletion, DataExport
from vitrina.media import images
from vitrina.messaging.models import Message
from vitrina.posts import services as post_services
from vitrina.posts.models import Comment, Like, Post, Save
from vitrina.social.models import Follow, FollowRequest
from vitrina.timeline.models import TimelineEntry, TimelineState

log = logging.getLogger(__name__)


def account_purge(*, user: User) -> None:
    """Remove the account, its rows and all its files (post photos, avatar, exports). Idempotent.

    Own posts go one by one through post_delete (hashtag counts, timelines, photo
    files); then, in one transaction, every row that counts toward someone else's
    counter is deleted and those counters are recomputed.
    """
    user = User.objects.filter(pk=user.pk).first()
    if user is None:
        return
    for post in list(Post.objects.filter(author=user).order_by("pk")):
        post_services.post_delete(post=post, actor=user)
    export_files = list(DataExport.objects.filter(user=user).exclude(file="").values_list("file", flat=True))
    # Their direct messages go with the account (Message.sender cascades); their photos' files too.
    message_files = [name for message in Message.objects.filter(sender=user).exclude(photo_files={})
                     for name in message.storage_names()]
    with transaction.atomic():
        account_ids, post_ids = counters.around(user)
        counters.lock(account_ids=account_ids, post_ids=post_ids)
        current = User.objects.filter(pk=user.pk).only("avatar", "avatar_small").first()
        avatar_files = current.avatar_files() if current else []
        Like.objects.filter(user=user).delete()
        # A comment's replies (by others, on the same post) go with it, as in comment_delete.
        Comment.objects.filter(author=user).delete()
        Save.objects.filter(user=user).delete()
        Follow.objects.filter(Q(follower=user) | Q(target=user)).delete()
        FollowRequest.objects.filter(Q(requester=user) | Q(target=user)).delete()
        Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
        TimelineEntry.objects.filter(owner_id=user.pk).delete()
        TimelineState.objects.filter(owner_id=user.pk).delete()
        insights_services.account_forget(account_id=user.pk)
        User.objects.filter(pk=user.pk).delete()
        account_ids.discard(user.pk)
        counters.recount(account_ids=account_ids, post_ids=post_ids)
        for name in avatar_files + message_files:
            transaction.on_commit(partial(images.delete_quietly, name))
        for name in export_files:
            transaction.on_commit(partial(exports.delete_file, name))


def purge_due(*, now=None) -> int:
    """Purge every account whose grace period is over; returns how many. Safe to run twice."""
    now = now or timezone.now()
    # An account reactivated by other means (staff lifted a suspension) is not purged.
    AccountDeletion.objects.filter(user__is_active=True).delete()
    due = AccountDeletion.objects.filter(purge_after__lte=now, user__is_active=False).select_related("user")
    count = 0
    for deletion in list(due):
        try:
            account_purge(user=deletion.user)
        except Exception:
            # One account that cannot be purged now must not keep the others; the next run retries it.
            log.exception("purge of account %s failed", deletion.user_id)
            continue
        count += 1
    return count
