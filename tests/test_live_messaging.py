"""Messages live: a message sent through the API reaches the recipient's socket, "Seen" reaches the
sender's, typing reaches the other members only, and a client whose socket was away catches up from the
last id it saw (the database is the source of truth; the socket only says "look again")."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from tests.live_helpers import Socket
from tests.messaging_helpers import chat, send, start
from vitrina.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
def _fast_pump(settings):
    settings.LIVE_POLL_SECONDS = 0.05


def logged_in(user) -> bytes:
    """A session cookie of the user's (made before the test's event loop runs: logging in is sync)."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def socket_with(cookie: bytes) -> Socket:
    return Socket(application, "/ws", headers=[ORIGIN, (b"cookie", cookie)])


async def next_of(socket, kind, timeout=3):
    """The next socket message of this type (others, such as notification.new, are passed over)."""
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


def test_a_message_sent_through_the_api_reaches_the_recipient_and_seen_reaches_the_sender(make_user, api):
    anna, ben = make_user("anna"), make_user("ben")
    conversation = chat(anna, ben, "first")
    anna_cookie, ben_cookie = logged_in(anna), logged_in(ben)
    as_anna, as_ben = api(anna), api(ben)

    async def go():
        anna_phone, ben_phone = socket_with(anna_cookie), socket_with(ben_cookie)
        assert (await anna_phone.connect())[0] and (await ben_phone.connect())[0]
        answer = await database_sync_to_async(as_anna.post)(f"/conversations/{conversation.pk}/messages",
                                                             {"text": "is the shirt in M?"})
        sent = answer.json()["id"]
        heard = await next_of(ben_phone, "message.new")
        assert heard["data"]["conversation"] == conversation.pk and heard["data"]["message"] == sent
        await database_sync_to_async(as_ben.post)(f"/conversations/{conversation.pk}/read", {})
        seen = await next_of(anna_phone, "message.read")
        assert seen["data"] == {"conversation": conversation.pk, "message": sent, "user": ben.pk,
                                "event": seen["data"]["event"]}
        for phone in (anna_phone, ben_phone):
            await phone.disconnect()

    async_to_sync(go)()


def test_typing_reaches_the_other_members_only(make_user):
    anna, ben, carol = make_user("anna"), make_user("ben"), make_user("carol")
    ours = chat(anna, ben)
    theirs = chat(ben, carol)
    cookies = {u.username: logged_in(u) for u in (anna, ben, carol)}

    async def go():
        phones = {name: socket_with(cookie) for name, cookie in cookies.items()}
        for phone in phones.values():
            assert (await phone.connect())[0]
        await phones["anna"].send_json_to({"type": "typing", "conversation": ours.pk})
        assert await next_of(phones["ben"], "typing") == {"type": "typing", "data": {
            "conversation": ours.pk, "user": anna.pk}}
        # Not anna's conversation, nor a number: nobody hears of it.
        for bad in (theirs.pk, "1", None, True, 10**20):
            await phones["anna"].send_json_to({"type": "typing", "conversation": bad})
        assert await phones["carol"].receive_nothing(timeout=0.5)
        assert await phones["ben"].receive_nothing(timeout=0.3)
        for phone in phones.values():
            await phone.disconnect()

    async_to_sync(go)()


def test_a_phone_that_was_away_catches_up_from_the_last_message_it_saw(make_user, api):
    anna, ben = make_user("anna"), make_user("ben")
    conversation = chat(anna, ben, "first")
    seen_last = conversation.messages.get().pk
    ben_cookie = logged_in(ben)
    as_ben = api(ben)

    async def go():
        ben_phone = socket_with(ben_cookie)
        assert (await ben_phone.connect())[0]
        await ben_phone.disconnect()  # the train goes into a tunnel
        missed = [(await database_sync_to_async(send)(anna, conversation, f"while away {i}")).pk for i in range(3)]
        ben_phone = socket_with(ben_cookie)
        assert (await ben_phone.connect())[0]
        caught_up = await database_sync_to_async(as_ben.get)(
            f"/conversations/{conversation.pk}/messages?after={seen_last}")
        assert [m["id"] for m in caught_up.json()["items"]] == missed
        assert [m["text"] for m in caught_up.json()["items"]] == [f"while away {i}" for i in range(3)]
        later = await database_sync_to_async(send)(anna, conversation, "back online?")
        # The ones sent while away may still be announced (the socket says "look again", late is harmless).
        while (await next_of(ben_phone, "message.new"))["data"]["message"] != later.pk:
            pass
        await ben_phone.disconnect()

    async_to_sync(go)()


def test_catching_up_shows_nothing_to_someone_outside_the_conversation(make_user, api):
    anna, ben, mallory = make_user("anna"), make_user("ben"), make_user("mallory")
    conversation = chat(anna, ben, "private")
    answer = api(mallory).get(f"/conversations/{conversation.pk}/messages?after=0")
    assert answer.status_code == 404


def test_typing_in_a_request_tells_its_sender_nothing(make_user):
    anna, stranger = make_user("anna"), make_user("stranger")
    request = start(stranger, anna)  # anna does not follow the stranger: a request for her
    send(stranger, request, "hi")
    cookies = {"anna": logged_in(anna), "stranger": logged_in(stranger)}

    async def go():
        phones = {name: socket_with(cookie) for name, cookie in cookies.items()}
        for phone in phones.values():
            assert (await phone.connect())[0]
        await phones["anna"].send_json_to({"type": "typing", "conversation": request.pk})
        assert await phones["stranger"].receive_nothing(timeout=0.5)
        for phone in phones.values():
            await phone.disconnect()

    async_to_sync(go)()
