"""Domain events turned into notifications: the consumer named "notifications" in EVENT_CONSUMERS.

vitrina.events.dispatch calls handle() with a batch of events inside one transaction that also
moves this consumer's offset, so each event is applied once. Applying one twice all the same (a
batch handed over again by hand) changes nothing: a person is in a group once, and an event no
newer than what a group already holds does not touch it.

Rules, all here: nobody is told of their own doing; nothing comes from an account that is
inactive, suspended or on the other side of a block (vitrina.social.visibility says which); a
mention only reaches someone who may see the post; a kind the recipient turned off is not written;
an undone cause (unlike, deleted comment, unfollow, withdrawn or denied request) takes its person
out of the group, and an empty group goes.
"""

from functools import partial

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F

from vitrina.accounts.models import User
from vitrina.events import kinds
from vitrina.notifications.announce import announce
from vitrina.notifications.models import Kind, Notification, NotificationActor, NotificationSetting
from vitrina.notifications.selectors import unread_key
from vitrina.posts.models import Comment, Post
from vitrina.social import visibility


class _Batch:
    """What applying one batch needs to know, read once: the accounts involved and their settings."""

    def __init__(self, events):
        ids = set()
        for event in events:
            ids.update(i for i in (event.actor_id, event.recipient_id) if i)
            data = event.data or {}
            for key in ("buyer", "seller", "reply_to_author", "follower"):
                if isinstance(data.get(key), int):
                    ids.add(data[key])
            for key in ("recipients", "requests"):
                ids.update(i for i in data.get(key) or () if isinstance(i, int))
        _lock_in_order(ids)
        self.users = User.objects.in_bulk(ids)
        self.off = set(NotificationSetting.objects.filter(user_id__in=ids, enabled=False)
                       .values_list("user_id", "kind"))
        self.touched: set[int] = set()
        # recipient -> {notification: who has just joined it}, announced after the batch (announce.py)
        self.fresh: dict[int, dict[int, User]] = {}

    def user(self, pk):
        return self.users.get(pk)


def _lock_in_order(ids: set[int]) -> None:
    """PostgreSQL: take the KEY SHARE locks that the rows written below (their foreign keys to the
    accounts) would take anyway, all at once in primary-key order: the order in which the follow
    graph locks accounts FOR UPDATE (vitrina.social.services._lock). Taken one by one in the order
    of the events, a batch and a follow could each hold the account the other waits for."""
    if connection.vendor != "postgresql" or not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {User._meta.db_table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE",
                       [sorted(ids)])


def handle(events) -> None:
    batch = _Batch(events)
    for event in events:
        apply = HANDLERS.get(event.kind)
        if apply is not None:
            apply(batch, event)
    if batch.touched:
        keys = [unread_key(pk) for pk in batch.touched]
        cache.delete_many(keys)
        # Again after commit: a reader between the two would cache the count from before.
        transaction.on_commit(partial(cache.delete_many, keys))
    if batch.fresh:
        announce(batch.fresh, batch.users)


# --- Adding and removing people -----------------------------------------------------------------


def _add(batch: _Batch, event, *, recipient_id, kind: str, subject_type: str, subject_id: int, actor_id=None,
         post_id=None, data=None) -> None:
    """Put `actor_id` (the event's actor unless given) into the recipient's group for this target."""
    actor_id = actor_id or event.actor_id
    recipient, actor = batch.user(recipient_id), batch.user(actor_id)
    if recipient is None or actor is None or recipient.pk == actor.pk or not recipient.is_active:
        return
    if (recipient.pk, kind) in batch.off:
        return
    if not visibility.is_listed(recipient, actor):
        return  # inactive, suspended, or a block either way
    notification, _created = Notification.objects.get_or_create(
        recipient=recipient, kind=kind, subject_type=subject_type, subject_id=subject_id,
        defaults={"post_id": post_id, "data": data or {}, "created_at": event.created_at})
    member = NotificationActor.objects.filter(notification=notification, actor=actor).first()
    if member is not None and member.event_id >= event.pk:
        return  # this event, or a newer one of theirs, is in already
    if member is None:
        NotificationActor.objects.create(notification=notification, actor=actor, event_id=event.pk,
                                         created_at=event.created_at)
        grew = 1
    else:
        NotificationActor.objects.filter(pk=member.pk).update(event_id=event.pk, created_at=event.created_at)
        grew = 0
    Notification.objects.filter(pk=notification.pk).update(
        count=F("count") + grew, position=event.pk, updated_at=event.created_at, read_at=None,
        data=data if data is not None else notification.data)
    batch.touched.add(recipient.pk)
    if grew:
        batch.fresh.setdefault(recipient.pk, {})[notification.pk] = actor


def _remove(batch: _Batch, *, recipient_id, kinds_: tuple, subject_type: str, subject_id: int, actor_id) -> None:
    """Take a person out of the recipient's groups for this target; a group left empty goes."""
    groups = list(Notification.objects.filter(recipient_id=recipient_id, kind__in=kinds_,
                                              subject_type=subject_type, subject_id=subject_id)
                  .values_list("pk", flat=True))
    if not groups:
        return
    for pk in groups:
        removed, _rows = NotificationActor.objects.filter(notification_id=pk, actor_id=actor_id).delete()
        if removed:
            Notification.objects.filter(pk=pk).update(count=F("count") - removed)
    Notification.objects.filter(pk__in=groups, count__lte=0).delete()
    batch.touched.add(recipient_id)


# --- One function per kind of event -----------------------------------------------------------


def _liked(batch, event):
    _add(batch, event, recipient_id=event.recipient_id, kind=Kind.LIKE, subject_type="post",
         subject_id=event.subject_id, post_id=event.subject_id)


def _unliked(batch, event):
    _remove(batch, recipient_id=event.recipient_id, kinds_=(Kind.LIKE,), subject_type="post",
            subject_id=event.subject_id, actor_id=event.actor_id)


def _commented(batch, event):
    post_id = event.data.get("post")
    replied = event.data.get("reply_to_author")
    if replied and replied != event.actor_id:
        _add(batch, event, recipient_id=replied, kind=Kind.REPLY, subject_type="post", subject_id=post_id,
             post_id=post_id)
    if replied != event.recipient_id:  # the post's author hears of a reply to themself once, as a reply
        _add(batch, event, recipient_id=event.recipient_id, kind=Kind.COMMENT, subject_type="post",
             subject_id=post_id, post_id=post_id)


def _comment_deleted(batch, event):
    post_id = event.data.get("post")
    comments = event.data.get("comments") or []
    # A mention in a deleted comment goes with it.
    mentions = Notification.objects.filter(kind=Kind.MENTION, subject_type="comment", subject_id__in=comments)
    batch.touched.update(mentions.values_list("recipient_id", flat=True))
    mentions.delete()
    # A person who still has another comment on the post stays in its groups.
    remaining = set(Comment.objects.filter(post_id=post_id, author_id__in=event.data.get("authors") or [])
                    .values_list("author_id", flat=True))
    groups = Notification.objects.filter(kind__in=(Kind.COMMENT, Kind.REPLY), subject_type="post",
                                         subject_id=post_id).values_list("recipient_id", flat=True)
    for recipient_id in set(groups):
        for author in event.data.get("authors") or []:
            if author not in remaining:
                _remove(batch, recipient_id=recipient_id, kinds_=(Kind.COMMENT, Kind.REPLY), subject_type="post",
                        subject_id=post_id, actor_id=author)


def _mentioned(batch, event):
    post_id = event.data.get("post")
    recipient = batch.user(event.recipient_id)
    # Only someone who may see the post hears of it (a private author's non-follower does not).
    if recipient is None or not Post.objects.visible_to(recipient).filter(pk=post_id).exists():
        return
    _add(batch, event, recipient_id=recipient.pk, kind=Kind.MENTION, subject_type=event.subject_type,
         subject_id=event.subject_id, post_id=post_id)


def _post_deleted(batch, event):
    # Hidden since the delete (their post is empty); gone now. Mentions in its comments are hidden
    # likewise and stay as they are: no event names them.
    gone = Notification.objects.filter(subject_type="post", subject_id=event.subject_id)
    batch.touched.update(gone.values_list("recipient_id", flat=True))
    gone.delete()


def _followed(batch, event):
    _remove(batch, recipient_id=event.recipient_id, kinds_=(Kind.FOLLOW_REQUEST,), subject_type="user",
            subject_id=event.recipient_id, actor_id=event.actor_id)
    _add(batch, event, recipient_id=event.recipient_id, kind=Kind.FOLLOW, subject_type="user",
         subject_id=event.recipient_id)


def _unfollowed(batch, event):
    target, follower = event.data.get("target"), event.data.get("follower")
    _remove(batch, recipient_id=target, kinds_=(Kind.FOLLOW,), subject_type="user", subject_id=target,
            actor_id=follower)


def _requested(batch, event):
    _add(batch, event, recipient_id=event.recipient_id, kind=Kind.FOLLOW_REQUEST, subject_type="user",
         subject_id=event.recipient_id)


def _request_withdrawn(batch, event):
    _remove(batch, recipient_id=event.recipient_id, kinds_=(Kind.FOLLOW_REQUEST,), subject_type="user",
            subject_id=event.recipient_id, actor_id=event.actor_id)


def _request_denied(batch, event):
    # The denier is the one who had the request: the requester leaves their group.
    _remove(batch, recipient_id=event.actor_id, kinds_=(Kind.FOLLOW_REQUEST,), subject_type="user",
            subject_id=event.actor_id, actor_id=event.recipient_id)


def _approved(batch, event):
    _add(batch, event, recipient_id=event.recipient_id, kind=Kind.FOLLOW_APPROVED, subject_type="user",
         subject_id=event.actor_id)


def _message(batch, event):
    conversation = event.data.get("conversation")
    if not isinstance(conversation, int):
        return
    requests = set(event.data.get("requests") or [])
    for recipient_id in dict.fromkeys([*(event.data.get("recipients") or []), *requests]):
        _add(batch, event, recipient_id=recipient_id, kind=Kind.MESSAGE, subject_type="conversation",
             subject_id=conversation, data={"request": recipient_id in requests})


# The seller hears of new orders and of the buyer's cancellations; the buyer of every other change.
def _order(batch, event):
    data = event.data
    buyer, seller, to = data.get("buyer"), data.get("seller"), data.get("to")
    by_buyer = event.actor_id is not None and event.actor_id == buyer
    if to == "placed" or (to == "cancelled" and by_buyer):
        recipient, other = seller, buyer
    else:
        recipient, other = buyer, seller
    # The person shown is the other party (also for the system's changes: a card paid, an order expired).
    _add(batch, event, recipient_id=recipient, kind=Kind.ORDER, subject_type="order", subject_id=data.get("order"),
         actor_id=other, data={"number": data.get("number"), "status": to, "role": "seller" if recipient == seller
                               else "buyer"})


def _reviewed(batch, event):
    _add(batch, event, recipient_id=event.recipient_id, kind=Kind.REVIEW, subject_type="review",
         subject_id=event.subject_id, data={"number": event.data.get("number"), "rating": event.data.get("rating")})


HANDLERS = {
    kinds.POST_LIKED: _liked,
    kinds.POST_UNLIKED: _unliked,
    kinds.COMMENT_CREATED: _commented,
    kinds.COMMENT_DELETED: _comment_deleted,
    kinds.MENTIONED: _mentioned,
    kinds.POST_DELETED: _post_deleted,
    kinds.FOLLOW_CREATED: _followed,
    kinds.FOLLOW_DELETED: _unfollowed,
    kinds.FOLLOW_REQUESTED: _requested,
    kinds.FOLLOW_REQUEST_WITHDRAWN: _request_withdrawn,
    kinds.FOLLOW_REQUEST_DENIED: _request_denied,
    kinds.FOLLOW_APPROVED: _approved,
    kinds.MESSAGE_SENT: _message,
    kinds.ORDER_STATUS_CHANGED: _order,
    kinds.REVIEW_CREATED: _reviewed,
}
