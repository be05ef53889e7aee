"""Who hears that a member is typing: the other members of a conversation the typist is in."""

from vitrina.messaging.models import Member, MemberState
from vitrina.messaging.services import other_members
from vitrina.social import visibility


def others_in(user_id: int, conversation_id) -> list[int]:
    """The ids of the other members a typing indicator goes to; nobody for a conversation the typist is
    not an active member of (or an id that is not a number): a socket event about a conversation
    reaches its members only, and never across a block."""
    if not isinstance(conversation_id, int) or isinstance(conversation_id, bool) or not 0 < conversation_id < 2**63:
        return []
    typist = (Member.objects.filter(conversation_id=conversation_id, user_id=user_id, state=MemberState.ACTIVE)
              .select_related("user").first())
    if typist is None or typist.is_request:
        return []  # typing would tell a request's sender it was seen before it is accepted
    return [m.user_id for m in other_members(conversation_id, user_id) if visibility.is_listed(typist.user, m.user)]
