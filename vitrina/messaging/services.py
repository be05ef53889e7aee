"""Writes of direct messages: starting conversations, sending, unsending, reactions and read state.

Every write takes the caller's membership from the database again (selectors.conversation_get_for_member
or _member below), so an id of someone else's conversation is NotFound wherever it enters.

Delivery rules, in one place:
- a block either way, or an account that is not active (vitrina.social.visibility.is_listed), ends
  delivery: starting a conversation or sending in a one-to-one one is refused and nothing is stored;
  in a group the message reaches only the members listed for the sender, and readers never see
  messages of senders not listed for them (selectors.messages_shown);
- a conversation started by someone a member does not follow lands in that member's Requests
  until they accept it or reply; private accounts follow the same rule.
Each message sent or unsent writes a domain event in its own transaction (vitrina.events): the live
layer and notifications read those, nothing else is called from here.
"""

from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.accounts.models import User
from vitrina.accounts.validators import USERNAME_MAX, USERNAME_RE, normalize_username
from vitrina.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from vitrina.core.text import clean_text
from vitrina.core.throttle import rate_limit
from vitrina.events import kinds
from vitrina.events.services import record
from vitrina.media import images, pipeline
from vitrina.messaging.models import (
    GROUP_MAX, NAME_MAX, TEXT_MAX, UNSEND_WINDOW_SECONDS, Conversation, Folder, Member, MemberState, Message,
    MessageKind, Reaction,
)
from vitrina.messaging.selectors import conversation_not_found, message_of, pair_key
from vitrina.posts.models import Post
from vitrina.shop.models import Product
from vitrina.social import visibility
from vitrina.social.models import Follow

# The reactions offered: a short list that every platform draws the same way.
REACTIONS = ("❤️", "😂", "😮", "😢", "😡", "👍", "🔥", "👏")


def invalid(field: str, message: str, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def active_member(user, conversation) -> Member:
    member = (Member.objects.filter(conversation_id=getattr(conversation, "pk", None), user_id=user.pk,
                                    state=MemberState.ACTIVE).select_related("conversation", "user").first())
    if member is None:
        raise conversation_not_found()
    return member


def other_members(conversation_id: int, user_id: int) -> list[Member]:
    return list(Member.objects.filter(conversation_id=conversation_id, state=MemberState.ACTIVE)
                .exclude(user_id=user_id).select_related("user"))


# --- Starting a conversation ----------------------------------------------------------------------


def parse_usernames(raw) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise invalid("usernames", _("Give a list of usernames."))
    names = list(dict.fromkeys(normalize_username(name) for name in raw if name.strip()))
    if not names:
        raise invalid("usernames", _("Choose at least one person."), code="no_members")
    for name in names:
        if not USERNAME_RE.match(name):
            # Never a username, so never looked up (PostgreSQL refuses a NUL in a query).
            raise _no_account(name[:USERNAME_MAX])
    return names


def _no_account(name: str) -> InvalidInput:
    message = _("There is no account %(name)s.") % {"name": name}
    return InvalidInput(message, code="account_not_found", fields={"usernames": [message]})


def too_many_members() -> InvalidInput:
    message = ngettext("A group can have at most %(max)d member.", "A group can have at most %(max)d members.",
                       GROUP_MAX) % {"max": GROUP_MAX}
    return invalid("usernames", message, code="too_many_members")


def reachable_accounts(actor: User, names: list[str]) -> list[User]:
    """The accounts named, each one the actor may message; else InvalidInput account_not_found for an
    unknown name or an account that blocked the actor (alike), Forbidden for one the actor blocked."""
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    for name in names:
        user = users.get(name)
        if user is None or not visibility.reaches_profile(actor, user):
            # 422, not 404: the path names no account; the same answer for a name never used.
            raise _no_account(name)
        if not visibility.is_listed(actor, user):
            raise Forbidden(_("You blocked this account. Unblock it to send a message."), code="you_blocked",
                            fields={"usernames": [name]})
    return [users[name] for name in names]


def folders_for(recipient_ids: list[int], *, sender: User) -> dict[int, str]:
    """Requests for each recipient who does not follow the sender, Primary for the others."""
    following = set(Follow.objects.filter(target=sender, follower_id__in=recipient_ids)
                    .values_list("follower_id", flat=True))
    return {uid: Folder.PRIMARY if uid in following else Folder.REQUESTS for uid in recipient_ids}


def conversation_start(*, starter: User, usernames, name: str = "") -> tuple[Conversation, bool]:
    """The conversation of the starter with the accounts named: (conversation, created).

    One account named: the pair's one-to-one conversation, the existing one if there is one. More:
    a new group of at most GROUP_MAX members. Nothing is delivered before the first message."""
    names = [n for n in parse_usernames(usernames) if n != starter.username]
    if not names:
        raise invalid("usernames", _("Choose someone other than yourself."), code="no_members")
    if len(names) + 1 > GROUP_MAX:
        raise too_many_members()
    users = reachable_accounts(starter, names)
    if len(users) == 1:
        return _one_to_one(starter, users[0])
    name = group_name(name)
    with transaction.atomic():
        conversation = Conversation.objects.create(is_group=True, name=name, created_by=starter)
        folders = folders_for([u.pk for u in users], sender=starter)
        Member.objects.bulk_create([Member(conversation=conversation, user=starter)] + [
            Member(conversation=conversation, user=u, folder=folders[u.pk]) for u in users])
    return conversation, True


def _one_to_one(starter: User, other: User) -> tuple[Conversation, bool]:
    key = pair_key(starter.pk, other.pk)
    existing = Conversation.objects.filter(pair_key=key).first()
    if existing is not None:
        # Starting it again brings it back for a starter who had deleted it.
        Member.objects.filter(conversation=existing, user=starter).update(hidden=False)
        return existing, False
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(pair_key=key, created_by=starter)
            folder = folders_for([other.pk], sender=starter)[other.pk]
            Member.objects.bulk_create([Member(conversation=conversation, user=starter),
                                        Member(conversation=conversation, user=other, folder=folder)])
    except IntegrityError:
        # Both started it at the same moment: the other insert won (the unique pair_key).
        return Conversation.objects.get(pair_key=key), False
    return conversation, True


def group_name(raw) -> str:
    if not isinstance(raw, str):
        raise invalid("name", _("Write the name as plain text."))
    name = clean_text(raw)
    if len(name) > NAME_MAX:
        raise invalid("name", _("At most %(max)s characters.") % {"max": NAME_MAX}, code="name_too_long")
    return name


# --- Sending ---------------------------------------------------------------------------------------


def _text(raw) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise invalid("text", _("Write the text as plain text."))
    text = clean_text(raw, multiline=True)
    if len(text) > TEXT_MAX:
        raise invalid("text", _("A message can have at most %(max)s characters.") % {"max": TEXT_MAX},
                      code="text_too_long")
    return text


def _shared_post(sender: User, post_id) -> Post | None:
    if post_id is None:
        return None
    post = Post.objects.visible_to(sender).filter(pk=post_id).first() \
        if isinstance(post_id, int) and not isinstance(post_id, bool) and 0 < post_id < 2 ** 63 else None
    if post is None:
        raise NotFound(_("This post does not exist."), fields={"post_id": [_("This post does not exist.")]})
    return post


def _shared_product(sender: User, product_id) -> Product | None:
    if product_id is None:
        return None
    ok = isinstance(product_id, int) and not isinstance(product_id, bool) and 0 < product_id < 2 ** 63
    products = Product.objects.filter(pk=product_id) if ok else Product.objects.none()
    product = products.filter(shop__owner=sender).first() or products.visible_to(sender).first()
    if product is None:
        raise NotFound(_("This product is not available."),
                       fields={"product_id": [_("This product is not available.")]})
    return product


def _recipients(member: Member) -> list[Member]:
    """The other active members this sender may reach; in a one-to-one conversation a block or an
    inactive account refuses the message instead."""
    others = other_members(member.conversation_id, member.user_id)
    # Two queries for a group of any size: the rule as a filter over the members' accounts.
    listed = set(Member.objects.filter(pk__in=[m.pk for m in others])
                 .filter(visibility.listed_q(member.user, account="user")).values_list("pk", flat=True))
    reachable = [m for m in others if m.pk in listed]
    if not member.conversation.is_group and len(reachable) < len(others):
        raise Forbidden(_("You can't message this account."), code="cannot_message")
    return reachable


def message_send(*, sender: User, conversation: Conversation, text="", photo=None, post=None, product=None,
                 reply_to=None) -> Message:
    """Send a message: text (at most TEXT_MAX characters) and at most one of a photo (an upload), a
    shared post or a shared product (ids), optionally replying to an earlier message of the same
    conversation (an id). Refused with nothing stored: 404 for a conversation, post or product the
    sender may not see, 403 cannot_message across a block, 422 empty_message / text_too_long /
    too_many_attachments, 429 over the rate limit. Replying to a request accepts it."""
    member = active_member(sender, conversation)
    rate_limit(action="messages", ident=sender.pk)
    text = _text(text)
    if sum(x is not None for x in (photo, post, product)) > 1:
        raise invalid("__all__", _("Attach one photo, post or product to a message."), code="too_many_attachments")
    if not text and photo is None and post is None and product is None:
        raise invalid("text", _("Write a message or attach something."), code="empty_message")
    shared_post = _shared_post(sender, post)
    shared_product = _shared_product(sender, product)
    replied = None
    if reply_to is not None:
        try:
            replied = message_of(member=member, message_id=reply_to)
        except NotFound:
            raise invalid("reply_to", _("Reply to a message of this conversation.")) from None
    recipients = _recipients(member)
    processed = pipeline.process_photo(images.read_upload(photo)) if photo is not None else None
    stored: list[str] = []
    try:
        files = images.store_photo_variants(processed, stored) if processed else {}
        with transaction.atomic():
            message = Message.objects.create(
                conversation_id=member.conversation_id, sender=sender, text=text,
                kind=(MessageKind.PHOTO if processed else MessageKind.POST if shared_post
                      else MessageKind.PRODUCT if shared_product else MessageKind.TEXT),
                post=shared_post, product=shared_product, reply_to=replied, photo_files=files,
                photo_width=processed.width if processed else 0, photo_height=processed.height if processed else 0,
                photo_blurhash=processed.blurhash if processed else "")
            _delivered(member, message, recipients)
    except BaseException:
        for name in stored:
            images.delete_quietly(name)
        raise
    return message


def _delivered(member: Member, message: Message, recipients: list[Member]) -> None:
    """The conversation's, the sender's and the recipients' rows after a message (caller's transaction)."""
    Conversation.objects.filter(pk=member.conversation_id).update(last_message=message,
                                                                  last_message_at=message.created_at)
    # The sender has read their own message; a reply accepts a request.
    sender_changes = {"last_read_message_id": message.pk, "hidden": False}
    if member.is_request:
        sender_changes["folder"] = Folder.PRIMARY
    Member.objects.filter(pk=member.pk).update(**sender_changes)
    Member.objects.filter(pk__in=[m.pk for m in recipients if m.hidden]).update(hidden=False)
    record(kinds.MESSAGE_SENT, actor=member.user, subject=message, data={
        "conversation": member.conversation_id,
        "recipients": [m.user_id for m in recipients],
        "requests": [m.user_id for m in recipients if m.is_request],
    })


def message_unsend(*, sender: User, conversation: Conversation, message_id, now=None) -> Message:
    """Unsend a message for everyone: its text, attachments and reactions go, and it reads "Message
    unsent". The sender only (403 not_sender for the others), within UNSEND_WINDOW_SECONDS (409
    unsend_window_passed after); unsending twice changes nothing."""
    member = active_member(sender, conversation)
    now = now or timezone.now()
    with transaction.atomic():
        message = message_of(member=member, message_id=message_id)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.sender_id != sender.pk:
            raise Forbidden(_("Only its sender can unsend a message."), code="not_sender")
        if message.is_unsent:
            return message
        if now - message.created_at > timedelta(seconds=UNSEND_WINDOW_SECONDS):
            raise Conflict(_("A message can be unsent within 15 minutes of sending."), code="unsend_window_passed")
        names = message.storage_names()
        Message.objects.filter(pk=message.pk).update(text="", post=None, product=None, photo_files={},
                                                     photo_width=0, photo_height=0, photo_blurhash="",
                                                     unsent_at=now)
        Reaction.objects.filter(message=message).delete()
        record(kinds.MESSAGE_UNSENT, actor=sender, subject=message, data={"conversation": member.conversation_id})
        for name in names:
            transaction.on_commit(partial(images.delete_quietly, name))
    message.refresh_from_db()
    return message


# --- Reactions and read state ---------------------------------------------------------------------


def reaction_set(*, user: User, conversation: Conversation, message_id, emoji) -> Reaction:
    """The member's one reaction to a message (a second replaces the first); an emoji of REACTIONS."""
    member = active_member(user, conversation)
    if emoji not in REACTIONS:
        raise invalid("emoji", _("Choose one of the offered reactions."), code="invalid_emoji")
    rate_limit(action="like", ident=user.pk)
    message = message_of(member=member, message_id=message_id)
    if message.is_unsent:
        raise Conflict(_("This message was unsent."), code="message_unsent")
    try:
        with transaction.atomic():
            reaction, _created = Reaction.objects.update_or_create(message=message, user=user,
                                                                   defaults={"emoji": emoji})
    except IntegrityError:
        # Two reactions at once: the other insert won; this one replaces it.
        Reaction.objects.filter(message=message, user=user).update(emoji=emoji)
        reaction = Reaction.objects.get(message=message, user=user)
    return reaction


def reaction_clear(*, user: User, conversation: Conversation, message_id) -> None:
    """Take back the member's reaction to a message (idempotent)."""
    member = active_member(user, conversation)
    message = message_of(member=member, message_id=message_id)
    Reaction.objects.filter(message=message, user=user).delete()


def conversation_read(*, member: Member, up_to=None) -> int:
    """Mark the conversation read up to a message id (its last message by default); read state only
    moves forward. The member's last read id after it. A request is not marked read: its sender
    learns nothing ("Seen") before it is accepted."""
    member = active_member(member.user, member.conversation)
    if member.is_request:
        return member.last_read_message_id
    last = Conversation.objects.filter(pk=member.conversation_id).values_list("last_message_id", flat=True)[0] or 0
    if up_to is None:
        up_to = last
    if isinstance(up_to, bool) or not isinstance(up_to, int) or up_to < 0:
        raise invalid("up_to", _("Give a message id."))
    up_to = min(up_to, last)
    with transaction.atomic():
        moved = Member.objects.filter(pk=member.pk, last_read_message_id__lt=up_to).update(last_read_message_id=up_to)
        if moved:
            # "Seen" on the others' open threads (vitrina.live).
            record(kinds.MESSAGE_READ, actor=member.user, subject_type="message", subject_id=up_to, data={
                "conversation": member.conversation_id,
                "recipients": [m.user_id for m in other_members(member.conversation_id, member.user_id)]})
    return max(up_to, member.last_read_message_id)
