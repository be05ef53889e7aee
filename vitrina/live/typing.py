"""Who hears that a member is typing: the other members of a conversation the typist is in."""

from django.utils.module_loading import import_string


def others_in(user_id: int, conversation_id) -> list[int]:
    """The ids of the other members a typing indicator goes to; nobody for a conversation the typist is
    not in (or an id that is not a number): socket events about a conversation reach its members only."""
    if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
        return []
    members = import_string("vitrina.messaging.selectors.member_ids_for_live")
    return [pk for pk in members(user_id=user_id, conversation_id=conversation_id) if pk != user_id]
