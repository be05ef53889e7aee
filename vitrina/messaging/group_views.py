"""The group forms of a thread page: rename (any member), add and remove members (the creator).

Each reads the caller's membership first (through views._message_action), so another group's id is
the site's 404; a refusal (not the creator, too many members, an account that cannot be reached) comes
back as a message on the thread, with nothing changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.views import not_found_as_404
from vitrina.messaging import groups
from vitrina.messaging.views import _message_action


@login_required
@require_POST
@not_found_as_404
def group_rename(request, conversation_id: int):
    return _message_action(request, conversation_id, lambda member: groups.conversation_rename(
        user=request.user, conversation=member.conversation, name=request.POST.get("name", "")))


@login_required
@require_POST
@not_found_as_404
def members_add(request, conversation_id: int):
    def add(member):
        added = groups.members_add(user=request.user, conversation=member.conversation,
                                   usernames=request.POST.get("usernames", "").replace(",", " ").split() or [""])
        if added:
            messages.success(request, _("Added to the group."))

    return _message_action(request, conversation_id, add)


@login_required
@require_POST
@not_found_as_404
def member_remove(request, conversation_id: int):
    return _message_action(request, conversation_id, lambda member: groups.member_remove(
        user=request.user, conversation=member.conversation, username=request.POST.get("username", "")))
