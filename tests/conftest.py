import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver
from django.utils import translation

from vitrina.accounts import services as account_services
from vitrina.core import built_state
from vitrina.insights import recording
from vitrina.social.services import account_update

PASSWORD = "long enough passphrase 42"
# The in-process cache, for tests that move the clock with freezegun: Redis keeps its own time.
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True, scope="session")
def _urls_imported():
    # The first request imports every view and API schema. Under freezegun that fails
    # (pydantic builds no schema for its stand-in datetime class), so import them first.
    get_resolver().url_patterns


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Argon2 is the production hasher (a test checks it); MD5 keeps hundreds of sign-ups fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_ROOT = tmp_path / "exports"
    cache.clear()
    built_state.forget_local()
    # Insights hits leave the process at the end of a request once INSIGHTS_FLUSH_SECONDS old: in a test
    # that took a few seconds, some later request would write them (and count those queries as its own).
    # Tests flush explicitly; the tests of that flush set their own age. No test inherits another's hits.
    settings.INSIGHTS_FLUSH_SECONDS = 3600
    recording.discard()
    # LocaleMiddleware activates a request's language in the test's thread and leaves it active: a test
    # after one that asked for a Russian page would otherwise read its messages in Russian.
    translation.deactivate()
    yield
    cache.clear()
    built_state.forget_local()
    recording.discard()  # what this test left in the process's buffer


@pytest.fixture
def make_user(db):
    def make(username, *, password=PASSWORD, account_type="personal", private=False, **fields):
        user = account_services.user_signup(
            username=username, email=f"{username}@example.com", password=password, account_type=account_type,
            display_name=fields.pop("display_name", ""),
        )
        if private or fields:
            user = account_update(user=user, data={"is_private": private, **fields})
        return user

    return make


class ApiClient:
    """The test client speaking JSON to /api/vitrina/v1 with an optional bearer token."""

    base = "/api/vitrina/v1"

    def __init__(self, token=None):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def get(self, path, data=None, headers=None):
        return self.client.get(self.base + path, data, headers=self._headers(headers))

    def post(self, path, data=None, headers=None):
        return self.client.post(self.base + path, data or {}, content_type="application/json",
                                headers=self._headers(headers))

    def patch(self, path, data=None, headers=None):
        return self.client.patch(self.base + path, data or {}, content_type="application/json",
                                 headers=self._headers(headers))

    def delete(self, path, headers=None):
        return self.client.delete(self.base + path, headers=self._headers(headers))

    def upload(self, path, files, headers=None):
        return self.client.post(self.base + path, files, headers=self._headers(headers))


@pytest.fixture
def api(db):
    """api() is anonymous; api(user) carries a fresh token for that user."""

    def make(user=None):
        return ApiClient(account_services.token_issue(user=user) if user else None)

    return make


@pytest.fixture
def page_client(db):
    """page_client(user) is a browser-like client logged in as user (anonymous without one)."""

    def make(user=None):
        client = Client()
        if user:
            client.force_login(user)
        return client

    return make


def assert_error(response, status, code=None, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    if field:
        assert field in body["error"]["fields"], body
    return body["error"]


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    # Tasks run in the test's own process; tests of the RQ path set their own backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# --- Screenshots: browser tests save them under test-output/screens/<language>/; the run lists them. ---
SCREENS_DIR = Path(__file__).resolve().parents[1] / "test-output" / "screens"
_session_started = time.time()


def pytest_terminal_summary(terminalreporter):
    # Under pytest-xdist the workers take the screenshots and this (the controller) lists them.
    if not SCREENS_DIR.is_dir():
        return
    shots = sorted(p for p in SCREENS_DIR.rglob("*.png") if p.stat().st_mtime >= _session_started)
    if shots:
        terminalreporter.write_sep("-", f"{len(shots)} screenshots in {SCREENS_DIR}")
        for lang in sorted({p.parent.name for p in shots}):
            names = ", ".join(p.stem for p in shots if p.parent.name == lang)
            terminalreporter.write_line(f"{lang}: {names}")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the tests' connections commit without waiting for the WAL to reach the disk
    (synchronous_commit=off): a test database is thrown away, and the suite commits tens of thousands
    of times. Everything else is the real server as deployed."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
