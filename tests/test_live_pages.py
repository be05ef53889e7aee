"""Pages tell a logged-in member's browser where the live socket is, and their policy lets it connect."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_members_page_names_the_socket_on_the_live_port_and_the_policy_allows_exactly_it(page_client, make_user,
                                                                                          settings):
    settings.LIVE_PORT = 8001
    response = page_client(make_user("anna")).get("/")
    html = response.content.decode()
    assert 'data-live="ws://testserver:8001/ws"' in html
    assert "web/live.js" in html
    policy = response["Content-Security-Policy"]
    assert "connect-src 'self' ws://testserver:8001 wss://testserver:8001;" in policy
    assert "__HOST__" not in policy


def test_behind_a_proxy_the_socket_is_on_the_pages_own_origin(page_client, make_user, settings):
    settings.LIVE_PORT = 0
    response = page_client(make_user("anna")).get("/")
    assert 'data-live="/ws"' in response.content.decode()
    assert "connect-src 'self';" in response["Content-Security-Policy"]


def test_a_live_url_is_used_as_given(page_client, make_user, settings):
    settings.LIVE_URL = "wss://live.vitrina.example/ws"
    response = page_client(make_user("anna")).get("/")
    assert 'data-live="wss://live.vitrina.example/ws"' in response.content.decode()
    assert "connect-src 'self' wss://live.vitrina.example;" in response["Content-Security-Policy"]


def test_a_visitor_gets_no_socket(page_client, settings):
    settings.LIVE_PORT = 8001
    html = page_client().get("/").content.decode()
    assert "data-live" not in html and "live.js" not in html


def test_a_thread_page_reloads_its_messages_live_for_its_members_only(page_client, make_user):
    from tests.messaging_helpers import chat
    from vitrina.messaging.models import Member

    anna, ben, mallory = make_user("anna"), make_user("ben"), make_user("mallory")
    conversation = chat(anna, ben, "is the <b>shirt</b> in M?")
    thread = page_client(ben).get(f"/direct/{conversation.pk}/").content.decode()
    assert f'data-live-thread="{conversation.pk}"' in thread and f'data-typing="{conversation.pk}"' in thread
    Member.objects.filter(user=ben).update(last_read_message_id=0)
    partial = page_client(ben).get(f"/direct/{conversation.pk}/messages/")
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "is the &lt;b&gt;shirt&lt;/b&gt; in M?" in html and "<html" not in html
    assert Member.objects.get(user=ben).last_read_message_id == conversation.messages.get().pk  # read
    assert page_client(mallory).get(f"/direct/{conversation.pk}/messages/").status_code == 404
    assert page_client().get(f"/direct/{conversation.pk}/messages/").status_code == 302
