"""Direct messages in the native API (shared/API.md, "Messages and notifications").

Every path under /conversations/{id} reads the caller's membership first
(selectors.conversation_get_for_member): anyone not an active member gets 404, as for an id never used.
"""

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status

from vitrina.accounts.auth import REQUIRED
from vitrina.core.errors import InvalidInput
from vitrina.core.pagination import PageParams
from vitrina.messaging import groups, inbox, quick_replies, selectors, services
from vitrina.messaging.models import Folder, Label, QuickReply
from vitrina.messaging.schemas import (
    ConversationIn, ConversationList, ConversationOut, FolderIn, LabelsIn, LabelsOut, MessageIn, MessageList,
    MessageOut, NameIn, QuickReplyIn, QuickReplyList, QuickReplyOut, QuickReplyPatch, ReactionIn, ReadIn, ReadOut,
    UsernamesIn, conversation_data, message_data, quick_reply_data,
)

router = Router(tags=["messages"])


def _member(request, conversation_id: int):
    return selectors.conversation_get_for_member(user=request.auth, conversation_id=conversation_id)


def _conversation_out(request, conversation_id: int) -> dict:
    member = _member(request, conversation_id)
    unread = selectors.messages_shown(member).filter(id__gt=member.last_read_message_id) \
        .exclude(sender=request.auth).count()
    return conversation_data(member, unread=unread)


def _message_out(request, member, message) -> dict:
    message = (selectors.messages_shown(member).filter(pk=message.pk)
               .select_related("sender", "reply_to__sender", "post__author", "product__shop__owner")
               .prefetch_related("reactions__user", "post__media", "product__images").get())
    posts, products = selectors.attachments_visible(request.auth, [message])
    return message_data(message, posts=posts, products=products)


class InboxParams(PageParams):
    folder: str = Folder.PRIMARY
    label: str | None = None


@router.get("/conversations", response=ConversationList, auth=REQUIRED)
def conversation_list(request, params: Query[InboxParams]):
    """The caller's conversations in a folder (primary, general, requests), the latest first; `label` filters."""
    if params.folder not in Folder.values:
        message = _("Choose Primary, General or Requests.")
        raise InvalidInput(message, code="invalid_folder", fields={"folder": [message]})
    if params.label and params.label not in Label.values:
        message = _("Choose labels from the list.")
        raise InvalidInput(message, code="invalid_label", fields={"label": [message]})
    page = selectors.conversations_of(user=request.auth, folder=params.folder, label=params.label,
                                      cursor=params.cursor, limit=params.limit)
    return {"items": [conversation_data(member) for member in page.items], "next_cursor": page.next_cursor}


@router.post("/conversations", response={201: ConversationOut}, auth=REQUIRED)
def conversation_start(request, payload: ConversationIn):
    """201 with the conversation: a new one, or the pair's existing one-to-one conversation (one per pair)."""
    conversation, _created = services.conversation_start(starter=request.auth, usernames=payload.usernames,
                                                         name=payload.name)
    return Status(201, _conversation_out(request, conversation.pk))


@router.get("/conversations/{int:conversation_id}", response=ConversationOut, auth=REQUIRED)
def conversation_get(request, conversation_id: int):
    return _conversation_out(request, conversation_id)


@router.patch("/conversations/{int:conversation_id}", response=ConversationOut, auth=REQUIRED)
def conversation_rename(request, conversation_id: int, payload: NameIn):
    """A group's name."""
    groups.conversation_rename(user=request.auth, conversation=_member(request, conversation_id).conversation,
                               name=payload.name)
    return _conversation_out(request, conversation_id)


@router.post("/conversations/{int:conversation_id}/members", response=ConversationOut, auth=REQUIRED)
def members_add(request, conversation_id: int, payload: UsernamesIn):
    """The group's creator adds members (32 at most in all)."""
    groups.members_add(user=request.auth, conversation=_member(request, conversation_id).conversation,
                       usernames=payload.usernames)
    return _conversation_out(request, conversation_id)


@router.delete("/conversations/{int:conversation_id}/members/{username}", response={204: None}, auth=REQUIRED)
def member_remove(request, conversation_id: int, username: str):
    groups.member_remove(user=request.auth, conversation=_member(request, conversation_id).conversation,
                         username=username)
    return Status(204, None)


@router.post("/conversations/{int:conversation_id}/leave", response={204: None}, auth=REQUIRED)
def conversation_leave(request, conversation_id: int):
    """Leave a group; it answers 404 to the caller from then on."""
    groups.conversation_leave(user=request.auth, conversation=_member(request, conversation_id).conversation)
    return Status(204, None)


@router.get("/conversations/{int:conversation_id}/messages", response=MessageList, auth=REQUIRED)
def message_list(request, conversation_id: int, params: Query[PageParams], after: int | None = None):
    """The messages, newest first; with ?after=<id>, the ones after it, oldest first (what a client
    whose socket reconnected has missed)."""
    member = _member(request, conversation_id)
    if after is not None:
        page = selectors.messages_after(member=member, after=after, limit=params.limit)
    else:
        page = selectors.messages_page(member=member, cursor=params.cursor, limit=params.limit)
    return {"items": [message_data(m, posts=page.visible_posts, products=page.visible_products)
                      for m in page.items], "next_cursor": page.next_cursor}


@router.post("/conversations/{int:conversation_id}/messages", response={201: MessageOut}, auth=REQUIRED)
def message_send(request, conversation_id: int, payload: MessageIn):
    """Text, a shared post or product, a reply; 422 empty_message, text_too_long; 403 cannot_message across a block."""
    member = _member(request, conversation_id)
    message = services.message_send(sender=request.auth, conversation=member.conversation, text=payload.text,
                                    post=payload.post_id, product=payload.product_id, reply_to=payload.reply_to)
    return Status(201, _message_out(request, member, message))


@router.post("/conversations/{int:conversation_id}/photos", response={201: MessageOut}, auth=REQUIRED)
def photo_send(request, conversation_id: int, photo: UploadedFile = File(...), text: str = Form(""),
               reply_to: int | None = Form(None)):
    """Multipart: a photo (`photo`), with optional `text` and `reply_to`."""
    member = _member(request, conversation_id)
    message = services.message_send(sender=request.auth, conversation=member.conversation, text=text, photo=photo,
                                    reply_to=reply_to)
    return Status(201, _message_out(request, member, message))


@router.delete("/conversations/{int:conversation_id}/messages/{int:message_id}", response=MessageOut, auth=REQUIRED)
def message_unsend(request, conversation_id: int, message_id: int):
    """Unsend for everyone: the sender, within 15 minutes (409 unsend_window_passed after)."""
    member = _member(request, conversation_id)
    message = services.message_unsend(sender=request.auth, conversation=member.conversation, message_id=message_id)
    return _message_out(request, member, message)


@router.post("/conversations/{int:conversation_id}/messages/{int:message_id}/reactions", response=MessageOut,
             auth=REQUIRED)
def reaction_set(request, conversation_id: int, message_id: int, payload: ReactionIn):
    """The caller's one reaction (replacing an earlier one)."""
    member = _member(request, conversation_id)
    reaction = services.reaction_set(user=request.auth, conversation=member.conversation, message_id=message_id,
                                     emoji=payload.emoji)
    return _message_out(request, member, reaction.message)


@router.delete("/conversations/{int:conversation_id}/messages/{int:message_id}/reactions", response=MessageOut,
               auth=REQUIRED)
def reaction_clear(request, conversation_id: int, message_id: int):
    member = _member(request, conversation_id)
    services.reaction_clear(user=request.auth, conversation=member.conversation, message_id=message_id)
    return _message_out(request, member, selectors.message_of(member=member, message_id=message_id))


@router.post("/conversations/{int:conversation_id}/read", response=ReadOut, auth=REQUIRED)
def conversation_read(request, conversation_id: int, payload: ReadIn | None = None):
    member = _member(request, conversation_id)
    up_to = payload.up_to if payload is not None else None
    return {"last_read_message_id": services.conversation_read(member=member, up_to=up_to)}


@router.post("/conversations/{int:conversation_id}/request/accept", response=ConversationOut, auth=REQUIRED)
def request_accept(request, conversation_id: int):
    inbox.request_accept(user=request.auth, conversation=_member(request, conversation_id).conversation)
    return _conversation_out(request, conversation_id)


@router.delete("/conversations/{int:conversation_id}/request", response={204: None}, auth=REQUIRED)
def request_delete(request, conversation_id: int):
    """Delete a request for the caller (409 not_a_request for an accepted conversation)."""
    inbox.request_delete(user=request.auth, conversation=_member(request, conversation_id).conversation)
    return Status(204, None)


@router.post("/conversations/{int:conversation_id}/request/block", response={204: None}, auth=REQUIRED)
def request_block(request, conversation_id: int):
    """Block the request's sender and delete the request."""
    inbox.request_block(user=request.auth, conversation=_member(request, conversation_id).conversation)
    return Status(204, None)


@router.post("/conversations/{int:conversation_id}/folder", response=ConversationOut, auth=REQUIRED)
def folder_move(request, conversation_id: int, payload: FolderIn):
    """Business and creator accounts: primary or general."""
    inbox.folder_move(user=request.auth, conversation=_member(request, conversation_id).conversation,
                      folder=payload.folder)
    return _conversation_out(request, conversation_id)


@router.put("/conversations/{int:conversation_id}/labels", response=LabelsOut, auth=REQUIRED)
def labels_set(request, conversation_id: int, payload: LabelsIn):
    """Business and creator accounts: the caller's labels on the conversation."""
    labels = inbox.labels_set(user=request.auth, conversation=_member(request, conversation_id).conversation,
                              labels=payload.labels)
    return {"labels": labels}


@router.delete("/conversations/{int:conversation_id}/labels", response=LabelsOut, auth=REQUIRED)
def labels_clear(request, conversation_id: int):
    inbox.labels_set(user=request.auth, conversation=_member(request, conversation_id).conversation, labels=[])
    return {"labels": []}


@router.get("/me/quick-replies", response=QuickReplyList, auth=REQUIRED)
def quick_reply_list(request):
    return {"items": [quick_reply_data(r) for r in QuickReply.objects.filter(owner=request.auth)]}


@router.post("/me/quick-replies", response={201: QuickReplyOut}, auth=REQUIRED)
def quick_reply_create(request, payload: QuickReplyIn):
    """Business and creator accounts (409 shortcut_taken for a shortcut in use)."""
    reply = quick_replies.quick_reply_create(owner=request.auth, shortcut=payload.shortcut, text=payload.text)
    return Status(201, quick_reply_data(reply))


@router.patch("/me/quick-replies/{int:reply_id}", response=QuickReplyOut, auth=REQUIRED)
def quick_reply_update(request, reply_id: int, payload: QuickReplyPatch):
    reply = quick_replies.quick_reply_update(owner=request.auth, reply_id=reply_id, shortcut=payload.shortcut,
                                             text=payload.text)
    return quick_reply_data(reply)


@router.delete("/me/quick-replies/{int:reply_id}", response={204: None}, auth=REQUIRED)
def quick_reply_delete(request, reply_id: int):
    quick_replies.quick_reply_delete(owner=request.auth, reply_id=reply_id)
    return Status(204, None)
