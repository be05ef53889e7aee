"""API shapes of direct messages."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import StrictInt

from vitrina.media.images import url_of
from vitrina.messaging.models import Member, Message, MessageKind, QuickReply
from vitrina.messaging.selectors import labels_of, others_of, seen_by_others


class ConversationIn(Schema):
    usernames: list[str] = Field(description="One account: the one-to-one conversation; more: a new group (32 at most)")
    name: str = Field("", description="A group's name, at most 80 characters")


class UsernamesIn(Schema):
    usernames: list[str]


class NameIn(Schema):
    name: str


class MessageIn(Schema):
    text: str = Field("", description="At most 4000 characters")
    post_id: StrictInt | None = Field(None, description="A post to share")
    product_id: StrictInt | None = Field(None, description="A product to share")
    reply_to: StrictInt | None = Field(None, description="The id of an earlier message of the conversation")


class ReadIn(Schema):
    up_to: StrictInt | None = Field(None, description="The newest message read; the conversation's last by default")


class ReactionIn(Schema):
    emoji: str = Field(description="One of ❤️ 😂 😮 😢 😡 👍 🔥 👏")


class FolderIn(Schema):
    folder: str = Field(description="primary or general")


class LabelsIn(Schema):
    labels: list[str] = Field(description="Of new_order, paid, follow_up; [] clears them")


class QuickReplyIn(Schema):
    shortcut: str = Field(description="[a-z0-9_]{1,30}, unique per account")
    text: str = Field(description="At most 1000 characters")


class QuickReplyPatch(Schema):
    shortcut: str | None = None
    text: str | None = None


class SenderOut(Schema):
    username: str
    display_name: str
    avatar_url: str


class MemberOut(SenderOut):
    last_read_message_id: int


class ReactionOut(Schema):
    emoji: str
    username: str


class PostCardOut(Schema):
    id: int
    author: str
    caption: str
    image_url: str


class ProductCardOut(Schema):
    id: int
    title: str
    seller: str
    image_url: str
    url: str


class ReplyToOut(Schema):
    id: int
    sender: str
    text: str = Field(description="The start of the message replied to, or what it holds")


class PhotoOut(Schema):
    width: int
    height: int
    blurhash: str
    urls: dict[str, dict[str, str]]


class MessageOut(Schema):
    id: int
    conversation_id: int
    sender: SenderOut
    kind: str = Field(description="text, photo, post or product")
    text: str
    unsent: bool = Field(description="Unsent for everyone: text and attachments are gone")
    photo: PhotoOut | None
    post: PostCardOut | None
    post_unavailable: bool = Field(description="A post was shared that the caller may not see (now)")
    product: ProductCardOut | None
    product_unavailable: bool
    reply_to: ReplyToOut | None
    reactions: list[ReactionOut]
    created_at: datetime


class MessagePreviewOut(Schema):
    id: int
    sender: str
    text: str
    created_at: datetime


class ConversationOut(Schema):
    id: int
    is_group: bool
    name: str
    title: str = Field(description="The group's name, or the other members' names")
    created_by: str | None
    members: list[MemberOut] = Field(description="The other active members")
    folder: str = Field(description="The caller's folder: primary, general or requests")
    labels: list[str]
    unread_count: int
    seen_up_to: int = Field(description="The newest message id every other member has read")
    last_message: MessagePreviewOut | None


class ConversationList(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class MessageList(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class ReadOut(Schema):
    last_read_message_id: int


class LabelsOut(Schema):
    labels: list[str]


class QuickReplyOut(Schema):
    id: int
    shortcut: str
    text: str


class QuickReplyList(Schema):
    items: list[QuickReplyOut]


# --- Data for the shapes (shared with the pages) ---------------------------------------------------


def account_data(user) -> dict:
    return {"username": user.username, "display_name": user.display_name, "avatar_url": url_of(user.avatar)}


def title_of(member: Member) -> str:
    conversation = member.conversation
    if conversation.is_group and conversation.name:
        return conversation.name
    names = [m.user.display_name or m.user.username for m in others_of(member)]
    return ", ".join(names) or _("Only you")


def preview_of(message: Message | None) -> str:
    """One line about a message for the inbox and for replies."""
    if message is None:
        return ""
    if message.is_unsent:
        return _("Message unsent")
    if message.text:
        return message.text[:120]
    return {MessageKind.PHOTO: _("Photo"), MessageKind.POST: _("Shared a post"),
            MessageKind.PRODUCT: _("Shared a product")}.get(message.kind, "")


def conversation_data(member: Member, *, unread: int | None = None) -> dict:
    conversation = member.conversation
    last = conversation.last_message
    creator = next((m.user.username for m in conversation.active if m.user_id == conversation.created_by_id), None)
    return {
        "id": conversation.pk, "is_group": conversation.is_group, "name": conversation.name,
        "title": title_of(member), "created_by": creator,
        "members": [{**account_data(m.user), "last_read_message_id": m.last_read_message_id}
                    for m in others_of(member)],
        "folder": member.folder, "labels": labels_of(member),
        "unread_count": unread if unread is not None else getattr(member, "unread", 0),
        "seen_up_to": seen_by_others(member),
        "last_message": None if last is None or last.pk <= member.cleared_up_to else {
            "id": last.pk, "sender": last.sender.username if last.sender_id else "", "text": preview_of(last),
            "created_at": last.created_at},
    }


def _first_image(files_owner) -> str:
    for item in files_owner.all():
        urls = item.signed_urls()
        small = urls.get("320") or next(iter(urls.values()), {})
        return small.get("jpg") or small.get("webp") or ""
    return ""


def post_card(post) -> dict:
    return {"id": post.pk, "author": post.author.username, "caption": post.caption[:200],
            "image_url": _first_image(post.media)}


def product_card(product) -> dict:
    return {"id": product.pk, "title": product.title, "seller": product.shop.owner.username,
            "image_url": _first_image(product.images), "url": product.get_absolute_url()}


def message_data(message: Message, *, posts: set, products: set) -> dict:
    """A message for a reader: `posts` and `products` are the shared ones the reader may see
    (selectors.attachments_visible)."""
    unsent = message.is_unsent
    reply = message.reply_to
    return {
        "id": message.pk, "conversation_id": message.conversation_id, "sender": account_data(message.sender),
        "kind": message.kind, "text": message.text, "unsent": unsent,
        "photo": {"width": message.photo_width, "height": message.photo_height, "blurhash": message.photo_blurhash,
                  "urls": message.photo_urls()} if message.photo_files and not unsent else None,
        "post": post_card(message.post) if message.post_id in posts else None,
        "post_unavailable": message.kind == MessageKind.POST and not unsent and message.post_id not in posts,
        "product": product_card(message.product) if message.product_id in products else None,
        "product_unavailable": message.kind == MessageKind.PRODUCT and not unsent
        and message.product_id not in products,
        "reply_to": {"id": reply.pk, "sender": reply.sender.username, "text": preview_of(reply)} if reply else None,
        "reactions": [{"emoji": r.emoji, "username": r.user.username} for r in message.reactions.all()],
        "created_at": message.created_at,
    }


def quick_reply_data(reply: QuickReply) -> dict:
    return {"id": reply.pk, "shortcut": reply.shortcut, "text": reply.text}
