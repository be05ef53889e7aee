"""The live socket in a real browser: a page opens it on the ASGI server `make run` starts beside the
WSGI one, hears of a message the moment it is committed, and stops when its session ends."""

import pytest

from tests.e2e.helpers import log_in
from vitrina.accounts.sessions import sign_out_everywhere
from vitrina.events import kinds
from vitrina.events.services import record

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """() => {
  window.liveHeard = [];
  for (const name of ["live-message-new", "live-notification-new"]) {
    document.body.addEventListener(name, event => window.liveHeard.push([name, event.detail]));
  }
}"""


def test_a_page_hears_a_message_committed_elsewhere_within_a_second(new_context, live_socket, make_user):
    anna, ben = make_user("anna"), make_user("ben")
    page = new_context("phone").new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    log_in(page, "anna")
    page.evaluate(LISTEN)
    page.wait_for_function("() => true")
    assert page.locator("body").get_attribute("data-live") == f"ws://localhost:{live_socket}/ws"
    page.wait_for_timeout(300)  # the socket opens after the page's scripts run
    assert sockets and sockets[-1].url == f"ws://localhost:{live_socket}/ws"
    event = record(kinds.MESSAGE_SENT, actor=ben, subject_type="message", subject_id=5,
                   data={"conversation": 3, "recipients": [anna.pk], "requests": []})
    # The message, and the notification the notifications consumer made of it ("ben sent you a message").
    page.wait_for_function("() => window.liveHeard.length > 1", timeout=3000)
    heard = page.evaluate("window.liveHeard")
    assert heard[0] == ["live-message-new", {"conversation": 3, "message": 5, "user": ben.pk, "event": event.pk}]
    assert heard[1][0] == "live-notification-new" and heard[1][1]["unread"] == 1
    # Logged out everywhere: the server closes the socket, and the page does not knock again.
    closed = []
    sockets[-1].on("close", lambda _ws: closed.append(True))
    sign_out_everywhere(user=anna)
    for _ in range(50):
        if closed:
            break
        page.wait_for_timeout(100)
    assert closed and sockets[-1].is_closed()
    page.wait_for_timeout(1500)
    assert len(sockets) == 1


def test_a_notification_reaches_the_open_page_live_and_the_badge_counts_it(new_context, live_socket, make_user):
    from playwright.sync_api import expect

    from vitrina.social.services import follow_create

    anna, ben = make_user("anna"), make_user("ben")
    page = new_context("phone").new_page()
    log_in(page, "anna")
    expect(page.get_by_test_id("notifications-badge")).to_have_count(0)
    page.wait_for_timeout(300)  # the socket opens after the page's scripts run
    follow_create(follower=ben, target=anna)
    expect(page.get_by_test_id("notifications-badge")).to_have_text("1", timeout=3000)
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_text("ben started following you.")).to_be_visible()
