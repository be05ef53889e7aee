"""Web Push: a browser's subscription through the API, and a new notification posted to its push service
encrypted for that browser (RFC 8291) and signed with the instance's VAPID key (RFC 8292).

The push service is a real HTTP server on this machine standing in for FCM or Mozilla's: the test
decrypts what it received with the browser's private key, as the browser would.
"""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlencode

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from tests.conftest import assert_error
from vitrina.events import dispatch, kinds
from vitrina.events.services import record
from vitrina.push import keys
from vitrina.push.models import PushSubscription

pytestmark = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Browser:
    """A browser's push keys: the P-256 key pair and the 16-byte auth secret."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = b"0123456789abcdef"

    def keys(self) -> dict:
        public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)
        return {"p256dh": b64(public), "auth": b64(self.auth)}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push_service(settings):
    """A push service on 127.0.0.1: records each POST; answers with `status` (201, or 410 once gone)."""
    received, state = [], {"status": 201}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": body})
            self.send_response(state["status"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    settings.PUSH_HTTP_HOSTS = ["127.0.0.1"]
    settings.EVENT_CONSUMERS = {"push": "vitrina.push.consumer.handle"}
    dispatch.consumers.cache_clear()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "received": received, "state": state}
    server.shutdown()
    dispatch.consumers.cache_clear()


def subscribe(api, user, endpoint, browser):
    return api(user).post("/me/push-subscriptions", {"endpoint": endpoint, "keys": browser.keys()})


def test_the_public_key_is_the_instances_vapid_key(api):
    answer = api().get("/push/key").json()
    assert answer == {"public_key": keys.public_key()}
    assert len(base64.urlsafe_b64decode(answer["public_key"] + "=")) == 65


def test_a_new_notification_is_pushed_encrypted_for_the_browser_and_signed(api, make_user, push_service):
    anna, ben = make_user("anna"), make_user("ben")
    browser = Browser()
    endpoint = push_service["url"] + "/push/abc123"
    assert subscribe(api, anna, endpoint, browser).status_code == 201
    record(kinds.NOTIFICATION_CREATED, actor=ben, recipient=anna, subject_type="notification", subject_id=1,
           data={"text": "ben started following you", "url": "/ben/", "group": "follow-1"})
    dispatch.deliver()
    [post] = push_service["received"]
    assert post["path"] == "/push/abc123"
    assert post["headers"]["content-encoding"] == "aes128gcm" and int(post["headers"]["ttl"]) > 0
    assert browser.decrypt(post["body"]) == {"title": "Vitrina", "body": "ben started following you", "url": "/ben/",
                                             "tag": "follow-1"}
    # The VAPID token is signed by the instance's key and names the push service's origin.
    assert Vapid02.verify(post["headers"]["authorization"])
    token = post["headers"]["authorization"].split("t=")[1].split(",")[0]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["aud"] == push_service["url"] and claims["sub"]
    assert f"k={keys.public_key()}" in post["headers"]["authorization"]


def test_only_the_recipients_browsers_are_pushed_and_a_gone_subscription_is_forgotten(api, make_user, push_service):
    anna, ben = make_user("anna"), make_user("ben")
    subscribe(api, anna, push_service["url"] + "/anna", Browser())
    subscribe(api, ben, push_service["url"] + "/ben", Browser())
    push_service["state"]["status"] = 410  # anna's browser unsubscribed at the push service
    record(kinds.NOTIFICATION_CREATED, recipient=anna, data={"text": "hi"})
    dispatch.deliver()
    assert [p["path"] for p in push_service["received"]] == ["/anna"]
    assert list(PushSubscription.objects.values_list("user__username", flat=True)) == ["ben"]


def test_a_push_service_that_is_down_loses_one_message_not_the_others(api, make_user, push_service, settings):
    anna = make_user("anna")
    subscribe(api, anna, push_service["url"] + "/one", Browser())
    PushSubscription.objects.create(user=anna, endpoint="http://127.0.0.1:9/unreachable", p256dh=Browser().keys()[
        "p256dh"], auth=b64(b"x" * 16))
    settings.PUSH_TIMEOUT = 2
    record(kinds.NOTIFICATION_CREATED, recipient=anna, data={"text": "order placed"})
    assert dispatch.deliver() == {"push": 1}
    assert [p["path"] for p in push_service["received"]] == ["/one"]


@pytest.mark.parametrize("endpoint", [
    "https://internal.example/hook", "http://fcm.googleapis.com/fcm/send/x", "ftp://fcm.googleapis.com/x",
    "https://fcm.googleapis.com.evil.example/x", "not a url", "",
])
def test_an_endpoint_that_is_not_a_push_services_is_refused(api, make_user, endpoint):
    response = subscribe(api, make_user("anna"), endpoint, Browser())
    assert_error(response, 422, "invalid_endpoint", "endpoint")
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("bad", [{"p256dh": "short", "auth": b64(b"a" * 16)},
                                 {"p256dh": b64(b"\x04" + b"a" * 64), "auth": "tooshort"},
                                 {"p256dh": b64(b"\x02" + b"a" * 64), "auth": b64(b"a" * 16)}])
def test_keys_that_are_not_a_browsers_are_refused(api, make_user, bad):
    response = api(make_user("anna")).post("/me/push-subscriptions",
                                          {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": bad})
    assert_error(response, 422)
    assert not PushSubscription.objects.exists()


def test_a_member_removes_only_their_own_subscription(api, make_user):
    anna, ben = make_user("anna"), make_user("ben")
    endpoint = "https://fcm.googleapis.com/fcm/send/anna-phone"
    assert subscribe(api, anna, endpoint, Browser()).status_code == 201
    query = "/me/push-subscriptions?" + urlencode({"endpoint": endpoint})
    assert_error(api(ben).delete(query), 404)
    assert PushSubscription.objects.filter(user=anna).exists()
    assert api(anna).delete(query).status_code == 204
    assert not PushSubscription.objects.exists()
    assert api().post("/me/push-subscriptions", {"endpoint": endpoint, "keys": Browser().keys()}).status_code == 401
