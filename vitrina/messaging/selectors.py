"""Reads of conversations that check who may see what.

A conversation, its messages, photos and members exist only for its active members: anyone else,
a member who left included, gets NotFound, the same answer as for an id that was never used.
(Leaving is a goodbye: the thread goes with it. Keeping read access after leaving would need a
second, read-only kind of membership on every path, for little use.)

Within a conversation, messages from an account not listed for the reader (a block either way,
a suspended account; vitrina.social.visibility) are left out, and a shared post or product is
shown only while the reader may see it, decided at read time by the same rule.
"""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from vitrina.core.errors import NotFound
from vitrina.core.pagination import Page, paginate_desc
from vitrina.messaging.models import Conversation, Folder, Member, MemberState, Message, Reaction
from vitrina.posts.models import Post
from vitrina.shop.models import Product
from vitrina.social import visibility


def conversation_not_found() -> NotFound:
    return NotFound(_("This conversation does not exist."))


def _id(raw) -> int | None:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 2 ** 63 else None


def _active_members():
    return Member.objects.filter(state=MemberState.ACTIVE).select_related("user").order_by("id")


def conversation_get_for_member(*, user, conversation_id) -> Member:
    """The caller's active membership of the conversation, with the conversation and its active
    members (users loaded); NotFound for anyone else."""
    conversation_id = _id(conversation_id)
    if conversation_id is None or user is None or not user.is_authenticated:
        raise conversation_not_found()
    member = (Member.objects.filter(conversation_id=conversation_id, user=user, state=MemberState.ACTIVE)
              .select_related("conversation__last_message", "user")
              .prefetch_related(Prefetch("conversation__members", queryset=_active_members(), to_attr="active"),
                                "labels")
              .first())
    if member is None:
        raise conversation_not_found()
    return member


def others_of(member: Member) -> list[Member]:
    """The other active members of a conversation read through conversation_get_for_member or conversations_of."""
    return [m for m in member.conversation.active if m.user_id != member.user_id]


def _unread_subquery(user):
    newer = Message.objects.filter(conversation_id=OuterRef("conversation_id"),
                                   id__gt=Greatest(OuterRef("last_read_message_id"), OuterRef("cleared_up_to"))) \
        .exclude(sender_id=user.pk).order_by().values("conversation_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(newer[:1]), 0)


def conversations_of(*, user, folder: str, label: str | None = None, cursor=None, limit=None) -> Page:
    """The member's conversations in a folder, the latest message first, each with `unread` (messages
    by others after the last one read), its last message and its active members: three queries."""
    members = (Member.objects
               .filter(user=user, state=MemberState.ACTIVE, hidden=False, folder=folder,
                       conversation__last_message__isnull=False)
               .annotate(last_id=F("conversation__last_message_id"), unread=_unread_subquery(user))
               .select_related("conversation__last_message__sender")
               .prefetch_related(Prefetch("conversation__members", queryset=_active_members(), to_attr="active"),
                                 "labels"))
    if label:
        members = members.filter(labels__label=label)
    return paginate_desc(members, cursor=cursor, limit=limit, key="last_id")


def unread_total(user) -> int:
    """Conversations with a message by someone else after the last one read (the top bar's badge),
    requests left out: one indexed query. Sending marks the sender's own message read, so a newer
    last message than the one read is always someone else's."""
    if user is None or not user.is_authenticated:
        return 0
    return (Member.objects.filter(user=user, state=MemberState.ACTIVE, hidden=False)
            .exclude(folder=Folder.REQUESTS)
            .filter(conversation__last_message_id__gt=Greatest(F("last_read_message_id"), F("cleared_up_to")))
            .count())


def requests_count(user) -> int:
    return Member.objects.filter(user=user, state=MemberState.ACTIVE, hidden=False, folder=Folder.REQUESTS,
                                 conversation__last_message__isnull=False).count()


def messages_shown(member: Member):
    """The messages of the conversation the member may see (see the module docstring)."""
    return (Message.objects.filter(conversation_id=member.conversation_id, id__gt=member.cleared_up_to)
            .filter(visibility.listed_q(member.user, account="sender")))


@dataclass
class MessagePage:
    items: list
    next_cursor: str | None
    visible_posts: set
    visible_products: set


def messages_page(*, member: Member, cursor=None, limit=None) -> MessagePage:
    """The conversation's messages newest first (a thread is read from the bottom up), with
    their senders, replies, reactions, and which shared posts and products the reader may see now."""
    messages = (messages_shown(member)
                .select_related("sender", "reply_to__sender", "post__author", "product__shop__owner")
                .prefetch_related(Prefetch("reactions", queryset=_reactions()), "post__media", "product__images"))
    page = paginate_desc(messages, cursor=cursor, limit=limit)
    _hide_quotes(member, page.items)
    posts, products = attachments_visible(member.user, page.items)
    return MessagePage(page.items, page.next_cursor, posts, products)


def messages_after(*, member: Member, after: int, limit: int = 100) -> MessagePage:
    """The messages after id `after`, oldest first: what a page that saw `after` last has missed (its
    socket reconnecting, or a message the live layer lost). Unsent ones come back as unsent."""
    messages = (messages_shown(member).filter(id__gt=after).order_by("id")
                .select_related("sender", "reply_to__sender", "post__author", "product__shop__owner")
                .prefetch_related(Prefetch("reactions", queryset=_reactions()), "post__media", "product__images"))
    items = list(messages[:max(1, min(limit, 100))])
    _hide_quotes(member, items)
    posts, products = attachments_visible(member.user, items)
    return MessagePage(items, None, posts, products)


def _hide_quotes(member: Member, messages: list) -> None:
    """Drop, for this reader, the quote of a replied-to message they may not see (sent before they
    joined or cleared the conversation, or by an account with a block between them)."""
    replies = [m for m in messages if m.reply_to_id]
    if not replies:
        return
    blocked = visibility.block_partner_ids(member.user)
    for message in replies:
        quoted = message.reply_to
        if quoted.pk <= member.cleared_up_to or quoted.sender_id in blocked or not quoted.sender.is_active:
            message.reply_to = None


def _reactions():
    return Reaction.objects.select_related("user").order_by("id")


def attachments_visible(user, messages) -> tuple[set, set]:
    """Ids of the shared posts and products among `messages` that `user` may see now (two queries at most)."""
    post_ids = {m.post_id for m in messages if m.post_id}
    product_ids = {m.product_id for m in messages if m.product_id}
    posts = set(Post.objects.visible_to(user).filter(pk__in=post_ids).values_list("pk", flat=True)) \
        if post_ids else set()
    products = set(
        Product.objects.filter(Q(pk__in=Product.objects.visible_to(user).values("pk")) | Q(shop__owner=user),
                               pk__in=product_ids).values_list("pk", flat=True)) if product_ids else set()
    return posts, products


def message_of(*, member: Member, message_id) -> Message:
    """A message of the conversation shown to the member, or NotFound."""
    message_id = _id(message_id)
    message = messages_shown(member).filter(pk=message_id).first() if message_id else None
    if message is None:
        raise NotFound(_("This message does not exist."))
    return message


def seen_by_others(member: Member) -> int:
    """The newest message id that every other member has read (for "Seen" under the member's last message)."""
    others = others_of(member)
    return min((m.last_read_message_id for m in others), default=0)


def labels_of(member: Member) -> list[str]:
    return sorted(label.label for label in member.labels.all())


def conversation_with(*, user, other) -> Conversation | None:
    """The one-to-one conversation of two accounts, if there is one."""
    return Conversation.objects.filter(pair_key=pair_key(user.pk, other.pk)).first()


def pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"

