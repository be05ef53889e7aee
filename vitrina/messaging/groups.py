"""Writes of groups: name, adding and removing members (by the group's creator), leaving."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.accounts.validators import USERNAME_RE, normalize_username
from vitrina.core.errors import Conflict, Forbidden, NotFound
from vitrina.messaging.models import GROUP_MAX, Conversation, Member, MemberState
from vitrina.messaging.services import (
    active_member, folders_for, group_name, parse_usernames, reachable_accounts, too_many_members,
)


def _group_of(member: Member) -> Conversation:
    if not member.conversation.is_group:
        raise Conflict(_("This is a conversation of two, not a group."), code="not_a_group")
    return member.conversation


def _creator_only(member: Member) -> Conversation:
    conversation = _group_of(member)
    if conversation.created_by_id != member.user_id:
        raise Forbidden(_("Only the group's creator can change its members."), code="not_creator")
    return conversation


def conversation_rename(*, user: User, conversation: Conversation, name) -> Conversation:
    """Any member names the group ("" clears the name)."""
    member = active_member(user, conversation)
    conversation = _group_of(member)
    conversation.name = group_name(name)
    Conversation.objects.filter(pk=conversation.pk).update(name=conversation.name)
    return conversation


def members_add(*, user: User, conversation: Conversation, usernames) -> list[Member]:
    """The creator adds accounts (GROUP_MAX members at most). A new member sees the messages sent from
    now on, in Requests unless they follow the creator; adding a current member changes nothing."""
    member = active_member(user, conversation)
    conversation = _creator_only(member)
    names = [n for n in parse_usernames(usernames) if n != user.username]
    users = reachable_accounts(user, names)
    with transaction.atomic():
        # The lock makes two additions at once count each other against the limit.
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        current = {m.user_id: m for m in conversation.members.all()}
        new = [u for u in users if u.pk not in current or current[u.pk].state != MemberState.ACTIVE]
        active = sum(m.state == MemberState.ACTIVE for m in current.values())
        if active + len(new) > GROUP_MAX:
            raise too_many_members()
        folders = folders_for([u.pk for u in new], sender=user)
        since = conversation.last_message_id or 0
        added = []
        for account in new:
            row = current.get(account.pk)
            fields = {"state": MemberState.ACTIVE, "folder": folders[account.pk], "cleared_up_to": since,
                      "last_read_message_id": since, "hidden": False}
            if row is None:
                try:
                    with transaction.atomic():
                        row = Member.objects.create(conversation=conversation, user=account, **fields)
                except IntegrityError:  # pragma: no cover - the conversation row is locked
                    continue
            else:
                Member.objects.filter(pk=row.pk).update(**fields)
            added.append(row)
    return added


def member_remove(*, user: User, conversation: Conversation, username) -> None:
    """The creator removes a member (not themself: they leave)."""
    member = active_member(user, conversation)
    conversation = _creator_only(member)
    username = normalize_username(str(username))
    target = Member.objects.filter(conversation=conversation, user__username=username,
                                   state=MemberState.ACTIVE).first() if USERNAME_RE.match(username) else None
    if target is None:
        raise NotFound(_("This account is not in the group."))
    if target.user_id == user.pk:
        raise Conflict(_("Leave the group instead."), code="cannot_remove_self")
    Member.objects.filter(pk=target.pk).update(state=MemberState.LEFT)


def conversation_leave(*, user: User, conversation: Conversation) -> None:
    """Leave a group: it disappears for the member (they get 404 for it from now on). When its
    creator leaves, the longest-standing member manages it."""
    member = active_member(user, conversation)
    conversation = _group_of(member)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        Member.objects.filter(pk=member.pk).update(state=MemberState.LEFT)
        if conversation.created_by_id == user.pk:
            heir = (Member.objects.filter(conversation=conversation, state=MemberState.ACTIVE)
                    .order_by("joined_at", "id").values_list("user_id", flat=True).first())
            Conversation.objects.filter(pk=conversation.pk).update(created_by_id=heir)
