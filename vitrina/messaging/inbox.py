"""Writes of a member's own inbox: requests (accept, delete, block), folders and labels."""

from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import Conflict, Forbidden, InvalidInput
from vitrina.messaging.models import Conversation, ConversationLabel, Folder, Label, Member
from vitrina.messaging.services import active_member, other_members
from vitrina.social.services import block_create


def _request(member: Member) -> Member:
    if not member.is_request:
        raise Conflict(_("This conversation is not a request."), code="not_a_request")
    return member


def request_accept(*, user: User, conversation: Conversation) -> None:
    """Move a request to the inbox (Primary); accepting an accepted conversation changes nothing."""
    member = active_member(user, conversation)
    Member.objects.filter(pk=member.pk, folder=Folder.REQUESTS).update(folder=Folder.PRIMARY)


def request_delete(*, user: User, conversation: Conversation) -> None:
    """Delete a request for the member alone: its messages so far are gone for them and it leaves
    the inbox. A new message brings it back, still a request."""
    member = _request(active_member(user, conversation))
    last = Conversation.objects.filter(pk=member.conversation_id).values_list("last_message_id", flat=True)[0]
    Member.objects.filter(pk=member.pk).update(hidden=True, cleared_up_to=last or 0,
                                               last_read_message_id=last or 0)


def request_block(*, user: User, conversation: Conversation) -> None:
    """Block whoever started the request (every other member of a one-to-one one) and delete it."""
    member = _request(active_member(user, conversation))
    starter_id = member.conversation.created_by_id
    others = [m.user for m in other_members(member.conversation_id, user.pk)
              if not member.conversation.is_group or m.user_id == starter_id]
    with transaction.atomic():
        for other in others:
            block_create(blocker=user, target=other)
        request_delete(user=user, conversation=conversation)


def _professional(member: Member) -> None:
    if not member.user.is_professional:
        raise Forbidden(_("Folders and labels are for business and creator accounts."), code="not_professional")


def folder_move(*, user: User, conversation: Conversation, folder) -> None:
    """A business or creator account files an accepted conversation under Primary or General."""
    member = active_member(user, conversation)
    _professional(member)
    if folder not in (Folder.PRIMARY, Folder.GENERAL):
        message = _("Choose Primary or General.")
        raise InvalidInput(message, code="invalid_folder", fields={"folder": [message]})
    if member.is_request:
        raise Conflict(_("Accept the request first."), code="request_not_accepted")
    Member.objects.filter(pk=member.pk).update(folder=folder)


def labels_set(*, user: User, conversation: Conversation, labels) -> list[str]:
    """A business or creator account's labels on a conversation, replacing the ones before ([] clears them)."""
    member = active_member(user, conversation)
    _professional(member)
    if not isinstance(labels, list) or not all(isinstance(label, str) and label in Label.values for label in labels):
        message = _("Choose labels from the list.")
        raise InvalidInput(message, code="invalid_label", fields={"labels": [message]})
    wanted = sorted(set(labels))
    with transaction.atomic():
        ConversationLabel.objects.filter(member=member).exclude(label__in=wanted).delete()
        have = set(ConversationLabel.objects.filter(member=member).values_list("label", flat=True))
        ConversationLabel.objects.bulk_create([ConversationLabel(member=member, label=label)
                                               for label in wanted if label not in have], ignore_conflicts=True)
    return wanted
