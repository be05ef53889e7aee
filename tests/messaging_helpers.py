"""Conversations and messages for the messaging tests, built through the real services."""

from vitrina.messaging import services
from vitrina.social.services import follow_create


def start(starter, *others, name=""):
    conversation, _created = services.conversation_start(starter=starter, usernames=[u.username for u in others],
                                                         name=name)
    return conversation


def send(sender, conversation, text="hello", **kwargs):
    return services.message_send(sender=sender, conversation=conversation, text=text, **kwargs)


def chat(a, b, text="hello"):
    """A one-to-one conversation in which b follows a (so it is not a request for b) and a said `text`."""
    follow_create(follower=b, target=a)
    conversation = start(a, b)
    send(a, conversation, text)
    return conversation
