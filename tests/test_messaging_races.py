"""Direct messages under concurrency, on both databases: one conversation per pair, one reaction per member."""

import pytest

from tests import threads
from tests.messaging_helpers import chat
from vitrina.messaging import services
from vitrina.messaging.models import Conversation, Member, Message, Reaction


def test_both_starting_at_once_make_one_conversation(make_user, transactional_db):
    anna, boris = make_user("anna"), make_user("boris")
    results = threads.run_at_once([
        lambda: services.conversation_start(starter=anna, usernames=["boris"]),
        lambda: services.conversation_start(starter=boris, usernames=["anna"]),
    ])
    ids = {result[0].pk for result in results if not isinstance(result, Exception)}
    errors = [r for r in results if isinstance(r, Exception)]
    # SQLite may refuse the loser as locked; PostgreSQL hands it the winner's conversation.
    assert len(ids) == 1 and Conversation.objects.count() == 1 and Member.objects.count() == 2, errors


@pytest.mark.django_db(transaction=True)
def test_reactions_at_once_leave_one_per_member(make_user):
    anna, boris = make_user("anna"), make_user("boris")
    conversation = chat(anna, boris)
    message = Message.objects.get()
    threads.run_at_once([
        lambda emoji=emoji: services.reaction_set(user=boris, conversation=conversation, message_id=message.pk,
                                                  emoji=emoji) for emoji in ("❤️", "🔥", "👍")])
    assert Reaction.objects.filter(message=message, user=boris).count() == 1
