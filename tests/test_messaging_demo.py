"""The demo's direct messages: shop chats with product cards, a quick reply, a label and a request."""

import pytest
from django.core.management import call_command

from tests.demo_snapshot import seed_demo
from vitrina.accounts.models import User
from vitrina.messaging import selectors
from vitrina.messaging.models import Conversation, ConversationLabel, Message, QuickReply

pytestmark = pytest.mark.django_db


def test_the_demo_inbox_is_lived_in_and_seeded_once():
    seed_demo()
    linen = User.objects.get(username="moscow.linen")
    chats = selectors.conversations_of(user=linen, folder="primary").items
    assert len(chats) == 1 and chats[0].unread == 0
    messages = list(Message.objects.filter(conversation=chats[0].conversation).order_by("id"))
    assert messages[0].kind == "product" and messages[0].product.shop.owner == linen
    assert messages[1].text == QuickReply.objects.get(owner=linen, shortcut="sizes").text
    assert ConversationLabel.objects.filter(member__user=linen, label="new_order").exists()
    anna = User.objects.get(username="anna.petrova")
    assert selectors.requests_count(anna) == 1 and selectors.unread_total(anna) == 1
    count = (Conversation.objects.count(), Message.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Conversation.objects.count(), Message.objects.count()) == count
