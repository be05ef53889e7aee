"""The socket at /ws: who may open it, what reaches it, and that it closes when its session ends.

The consumer runs through Channels' WebsocketCommunicator against the real ASGI application; on the
SQLite pass the in-memory layer with the ASGI process reading the outbox, on the PostgreSQL + Redis
pass channels-redis with the outbox delivered by the task after commit.
"""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from tests.live_helpers import Socket
from vitrina.accounts import services as account_services
from vitrina.accounts.models import BrowserSession
from vitrina.accounts.sessions import session_revoke, sign_out_everywhere
from vitrina.asgi import application
from vitrina.events import kinds
from vitrina.events.services import record

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def socket(*headers) -> Socket:
    return Socket(application, "/ws", headers=list(headers))


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


@pytest.fixture(autouse=True)
def _fast_checks(settings):
    settings.LIVE_RECHECK_SECONDS = 0.2
    settings.LIVE_POLL_SECONDS = 0.05


def test_a_socket_needs_a_session_or_token(make_user):
    async def go():
        anonymous = socket(ORIGIN)
        connected, code = await anonymous.connect()
        assert not connected and code == 4401
        stale = socket(ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}=no-such-session".encode()))
        connected, code = await stale.connect()
        assert not connected and code == 4401

    run(go)


def test_a_handshake_from_another_site_is_refused_even_with_the_members_cookie(make_user):
    cookie = session_cookie(make_user("anna"))

    async def go():
        for origin in (b"https://evil.example", b"null", b"http://127.0.0.1.evil.example:8000"):
            connected, _code = await socket((b"origin", origin), (b"cookie", cookie)).connect()
            assert not connected, origin
        # No Origin at all with only a cookie: not a browser's page, not let in either.
        connected, _code = await socket((b"cookie", cookie)).connect()
        assert not connected
        connected, _code = await socket(ORIGIN, (b"cookie", cookie)).connect()
        assert connected

    run(go)


def test_an_api_client_connects_with_its_bearer_token_and_pings(make_user):
    token = account_services.token_issue(user=make_user("anna"))

    async def go():
        client = socket((b"authorization", f"Bearer {token}".encode()))
        connected, _code = await client.connect()
        assert connected
        await client.send_json_to({"type": "ping"})
        assert await client.receive_json_from(timeout=2) == {"type": "pong", "data": {}}
        await client.disconnect()

    run(go)


def test_a_message_event_reaches_its_members_sockets_only(make_user):
    anna, ben, carol = make_user("anna"), make_user("ben"), make_user("carol")
    sockets = {user.username: socket(ORIGIN, (b"cookie", session_cookie(user))) for user in (anna, ben, carol)}

    async def go():
        for client in sockets.values():
            assert (await client.connect())[0]
        event = await database_sync_to_async(record)(
            kinds.MESSAGE_SENT, actor=anna, subject_type="message", subject_id=41,
            data={"conversation": 7, "recipients": [ben.pk], "requests": []})
        expected = {"type": "message.new", "data": {"conversation": 7, "message": 41, "user": anna.pk,
                                                    "event": event.pk}}
        assert await sockets["ben"].receive_json_from(timeout=3) == expected
        assert await sockets["anna"].receive_json_from(timeout=3) == expected  # the sender's other pages
        assert await sockets["carol"].receive_nothing(timeout=0.5)
        for client in sockets.values():
            await client.disconnect()

    run(go)


def test_a_socket_closes_when_its_session_is_ended_elsewhere(make_user):
    anna = make_user("anna")
    cookie = session_cookie(anna)

    async def go():
        client = socket(ORIGIN, (b"cookie", cookie))
        assert (await client.connect())[0]
        await database_sync_to_async(sign_out_everywhere)(user=anna)
        message = await client.receive_output(timeout=3)
        assert message == {"type": "websocket.close", "code": 4403}

    run(go)


def test_a_suspended_members_socket_closes(make_user):
    anna = make_user("anna")
    token = account_services.token_issue(user=anna)

    async def go():
        client = socket((b"authorization", f"Bearer {token}".encode()))
        assert (await client.connect())[0]
        await database_sync_to_async(type(anna).objects.filter(pk=anna.pk).update)(is_active=False)
        assert await client.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}

    run(go)


def test_ending_a_session_closes_its_socket_at_once_and_leaves_the_members_other_sockets_open(make_user, settings):
    # The periodic check is far away: the session.ended event does it.
    settings.LIVE_RECHECK_SECONDS = 60
    anna = make_user("anna")
    phone, laptop = session_cookie(anna), session_cookie(anna)

    async def go():
        on_phone, on_laptop = socket(ORIGIN, (b"cookie", phone)), socket(ORIGIN, (b"cookie", laptop))
        assert (await on_phone.connect())[0] and (await on_laptop.connect())[0]
        phone_key = phone.decode().split("=", 1)[1]
        session = await database_sync_to_async(
            lambda: BrowserSession.objects.get(key_hash=BrowserSession.hash(phone_key)))()
        await database_sync_to_async(session_revoke)(user=anna, session_id=f"session-{session.pk}")
        assert await on_phone.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}
        assert await on_laptop.receive_nothing(timeout=0.5)
        await on_laptop.send_json_to({"type": "ping"})
        assert (await on_laptop.receive_json_from())["type"] == "pong"
        await on_laptop.disconnect()

    run(go)
