"""Who may write through the API (401 before CSRF), and how large a request may be (413 before reading)."""

import asyncio
import io
import re

import pytest
from django.test import Client

from tests.conftest import assert_error
from tests.posts_helpers import photo
from vitrina.api import api as native_api
from vitrina.core.body_limit import asgi_body_limit, max_request_bytes
from vitrina.posts.models import Post

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch", "delete")


def _write_operations(*, secured: bool, scheme: str | None = None):
    """(method, path) of every write in the OpenAPI document, path parameters filled in.

    With `scheme`, only the writes that accept that security scheme (e.g. "SessionAuth").
    """
    schema = native_api.get_openapi_schema()
    found = []
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in WRITES or bool(operation.get("security")) != secured:
                continue
            if scheme and not any(scheme in option for option in operation["security"]):
                continue
            kinds = {p["name"]: p["schema"].get("type") for p in operation.get("parameters", []) if p["in"] == "path"}
            path = re.sub(r"\{(\w+)\}", lambda m: "1" if kinds[m.group(1)] == "integer" else "someone", template)
            found.append((method, path))
    return found


SECURED_WRITES = _write_operations(secured=True)
SESSION_WRITES = _write_operations(secured=True, scheme="SessionAuth")
BEARER_ONLY_WRITES = sorted(set(SECURED_WRITES) - set(SESSION_WRITES))


def test_the_document_lists_the_writes():
    # Guards the generated cases below against an empty or renamed document.
    assert ("post", "/api/vitrina/v1/posts") in SECURED_WRITES and len(SECURED_WRITES) >= 20


@pytest.mark.parametrize(("method", "path"), SECURED_WRITES)
def test_anonymous_write_is_401_not_a_csrf_failure(method, path):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, "{}", content_type="application/json")
    assert_error(response, 401, code="unauthenticated")
    # A cookie of a session that is not logged in (expired, or made up) is no session either.
    client.cookies["sessionid"] = "not-a-session"
    assert_error(getattr(client, method)(path, "{}", content_type="application/json"), 401, code="unauthenticated")


@pytest.mark.parametrize(("method", "path"), SESSION_WRITES)
def test_logged_in_session_without_csrf_token_is_403_csrf_failed(make_user, method, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("mira"))
    response = getattr(client, method)(path, "{}", content_type="application/json")
    assert_error(response, 403, code="csrf_failed")


@pytest.mark.parametrize(("method", "path"), BEARER_ONLY_WRITES)
def test_bearer_only_write_refuses_a_browser_session(make_user, method, path):
    # Such writes (revoking the token used) act on a token: a logged-in session is not one.
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("mira"))
    client.get("/")
    response = getattr(client, method)(path, "{}", content_type="application/json",
                                       headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert_error(response, 401, code="unauthenticated")


def test_logged_in_session_with_csrf_token_writes(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("mira"))
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.patch("/api/vitrina/v1/me", {"bio": "hi"}, content_type="application/json",
                            headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json()["bio"] == "hi"


@pytest.mark.parametrize(("method", "path"), _write_operations(secured=False))
def test_open_writes_are_not_csrf_checked(method, path):
    # Sign-up and log-in take credentials in the body: a bad body is 422, never a CSRF 403.
    # A payment provider's webhook is signed instead: here one of no provider named "someone", 404.
    response = getattr(Client(enforce_csrf_checks=True), method)(path, "{}", content_type="application/json")
    assert response.status_code == (404 if path.endswith("/webhook") else 422)


# --- Request size --------------------------------------------------------------------------------


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size=-1):
        raise AssertionError("the body was read")

    readline = read


class Endless(io.RawIOBase):
    """A chunked body that never ends; counts what was read of it."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else min(size, 65536)
        self.read_bytes += size
        return b"x" * size



def test_the_limit_is_a_full_carousel_plus_a_margin(settings):
    settings.MAX_UPLOAD_BYTES, settings.MAX_PHOTOS_PER_POST = 20 * 1024 * 1024, 10
    assert 200 * 1024 * 1024 < max_request_bytes() <= 202 * 1024 * 1024


@pytest.mark.parametrize("path", ["/api/vitrina/v1/posts", "/api/vitrina/v1/me/avatar", "/api/vitrina/v1/auth/token"])
def test_api_body_declared_over_the_limit_is_413_before_reading(api, make_user, path):
    client = api(make_user("mira"))
    declared = 11 * 20 * 1024 * 1024  # eleven photos of 20 MB
    response = client.client.generic(
        "POST", path, b"", CONTENT_TYPE="multipart/form-data; boundary=x",
        headers=client._headers(None), CONTENT_LENGTH=str(declared), **{"wsgi.input": Unreadable()},
    )
    assert_error(response, 413, code="too_large")


def test_page_form_declared_over_the_limit_is_413_page_before_reading(page_client, make_user):
    client = page_client(make_user("mira"))
    response = client.generic("POST", "/create/", b"", CONTENT_TYPE="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(max_request_bytes() + 1), **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Post.objects.exists()


def test_chunked_body_stops_at_the_limit(api, make_user, settings):
    settings.MAX_UPLOAD_BYTES, settings.MAX_PHOTOS_PER_POST, settings.REQUEST_BODY_MARGIN_BYTES = 100_000, 2, 10_000
    client = api(make_user("mira"))
    body = Endless()
    response = client.client.generic(
        "POST", "/api/vitrina/v1/posts", b"", CONTENT_TYPE="multipart/form-data; boundary=x",
        headers={**client._headers(None), "Transfer-Encoding": "chunked"}, **{"wsgi.input": body},
    )
    assert_error(response, 413, code="too_large")
    assert body.read_bytes <= max_request_bytes() + 65536
    assert not Post.objects.exists()


def test_chunked_body_within_the_limit_is_read(api, make_user, settings):
    client = api(make_user("mira"))
    boundary = "b0undary"
    upload = photo().read()
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nchunked\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\n"
               f"Content-Type: image/jpeg\r\n\r\n").encode() + upload + f"\r\n--{boundary}--\r\n".encode()
    response = client.client.generic(
        "POST", "/api/vitrina/v1/posts", b"", CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
        headers={**client._headers(None), "Transfer-Encoding": "chunked"}, **{"wsgi.input": io.BytesIO(payload)},
    )
    assert response.status_code == 201, response.content
    assert response.json()["caption"] == "chunked"


def test_json_body_over_djangos_memory_limit_is_413_not_500(api, make_user):
    response = api(make_user("mira")).patch("/me", {"bio": "x" * 3_000_000})
    assert_error(response, 413, code="too_large")


def _asgi(scope_headers, chunks, path="/api/vitrina/v1/posts"):
    """Run the ASGI wrapper around an app that reads the whole body; returns (sent, bytes the app got)."""
    got = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            got.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    messages = iter([{"type": "http.request", "body": c, "more_body": True} for c in chunks]
                    + [{"type": "http.request", "body": b"", "more_body": False}])

    async def receive():
        return next(messages)

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "headers": scope_headers}
    asyncio.run(asgi_body_limit(app)(scope, receive, send))
    return sent, sum(len(c) for c in got)


def test_asgi_refuses_declared_and_streamed_bodies_over_the_limit(settings):
    settings.MAX_UPLOAD_BYTES, settings.MAX_PHOTOS_PER_POST, settings.REQUEST_BODY_MARGIN_BYTES = 1000, 2, 100
    sent, received = _asgi([(b"content-length", b"5000")], [b"x" * 100])
    assert sent[0]["status"] == 413 and received == 0
    assert b'"too_large"' in sent[1]["body"]
    sent, received = _asgi([], [b"x" * 1000] * 50)
    assert sent[0]["status"] == 413 and len(sent) == 2 and received <= 2100
    sent, received = _asgi([], [b"x" * 1000])
    assert sent[0]["status"] == 201 and received == 1000


def test_the_asgi_application_refuses_a_declared_large_body_unread():
    from vitrina.asgi import application

    async def receive():
        raise AssertionError("the body was read")

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/vitrina/v1/posts", "query_string": b"",
             "headers": [(b"content-length", str(max_request_bytes() + 1).encode())]}
    asyncio.run(application(scope, receive, send))
    assert sent[0]["status"] == 413


def test_too_many_fields_or_files_is_400_not_500(api, make_user):
    client = api(make_user("mira"))
    fields = {f"f{i}": "x" for i in range(1100)}
    assert_error(client.client.post("/api/vitrina/v1/posts", fields, headers=client._headers(None)), 400,
                 code="bad_request")
    files = {"images": [photo() for _ in range(101)]}
    assert_error(client.client.post("/api/vitrina/v1/posts", files, headers=client._headers(None)), 400,
                 code="bad_request")
    assert not Post.objects.exists()
