"""Sessions and tokens a member can see and end; a password change ends the others."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import PASSWORD, ApiClient, assert_error
from vitrina.accounts import services, sessions
from vitrina.accounts.models import ApiToken, BrowserSession

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another fine passphrase"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0 Mobile Safari/537.36")


def browser(username, *, address="203.0.113.77", agent=PHONE):
    """A browser that logged in through the log-in page."""
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def app_token(username, *, address="2001:db8:abcd:12::5"):
    response = Client(REMOTE_ADDR=address, HTTP_USER_AGENT="VitrinaApp/1.0").post(
        "/api/vitrina/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 200
    return ApiClient(response.json()["token"])


def logged_in(client) -> bool:
    return client.get("/accounts/edit/").status_code == 200


def test_delete_auth_token_revokes_the_token_used(make_user):
    make_user("mira")
    first, second = app_token("mira"), app_token("mira")
    assert first.delete("/auth/token").status_code == 204
    assert_error(first.get("/me"), 401, "unauthenticated")
    assert second.get("/me").status_code == 200
    assert ApiToken.objects.count() == 1


def test_delete_auth_token_needs_a_token(make_user):
    make_user("mira")
    client = browser("mira")
    assert_error(client.delete("/api/vitrina/v1/auth/token"), 401)
    assert logged_in(client)


def test_sessions_list_shows_devices_truncated_addresses_and_the_current_one(make_user):
    make_user("mira")
    phone = browser("mira")
    app = app_token("mira")
    items = app.get("/me/sessions").json()["items"]
    assert [item["kind"] for item in items] == ["token", "session"]
    token, session = items
    assert token["current"] and not session["current"]
    assert token["ip_network"] == "2001:db8:abcd::/48"
    assert token["user_agent"] == "VitrinaApp/1.0"
    assert session["ip_network"] == "203.0.113.0/24"
    assert session["device"] == "Chrome · Android"
    assert session["created_at"] and session["last_used_at"]
    assert "203.0.113.77" not in str(items)
    from_browser = phone.get("/api/vitrina/v1/me/sessions").json()["items"]
    assert from_browser[0]["id"] == session["id"] and from_browser[0]["current"]


def test_revoked_session_stops_on_its_next_request(make_user):
    make_user("mira")
    phone, laptop = browser("mira"), browser("mira", address="198.51.100.4")
    assert logged_in(phone) and logged_in(laptop)
    items = laptop.get("/api/vitrina/v1/me/sessions").json()["items"]
    phone_id = next(item["id"] for item in items if not item["current"])
    assert laptop.delete(f"/api/vitrina/v1/me/sessions/{phone_id}").status_code == 204
    assert not logged_in(phone)
    assert phone.get("/api/vitrina/v1/me").status_code == 401
    assert logged_in(laptop)
    assert BrowserSession.objects.count() == 1


def test_revoked_token_stops_on_its_next_request(make_user):
    make_user("mira")
    app, laptop = app_token("mira"), browser("mira")
    assert app.get("/me").status_code == 200
    token_id = next(i["id"] for i in laptop.get("/api/vitrina/v1/me/sessions").json()["items"] if i["kind"] == "token")
    assert laptop.delete(f"/api/vitrina/v1/me/sessions/{token_id}").status_code == 204
    assert_error(app.get("/me"), 401)


@pytest.mark.parametrize("bad_id", ["session-999999", "token-999999", "nonsense", "session-", "token-1e5",
                                    "session-99999999999999999999999"])
def test_unknown_ids_are_404(make_user, bad_id):
    make_user("mira")
    assert_error(app_token("mira").delete(f"/me/sessions/{bad_id}"), 404, "not_found")


def test_another_members_sessions_and_tokens_are_404(make_user):
    make_user("mira")
    make_user("omar")
    victim_browser, victim_app = browser("omar"), app_token("omar")
    ids = [item["id"] for item in victim_app.get("/me/sessions").json()["items"]]
    attacker = app_token("mira")
    for other in ids:
        assert_error(attacker.delete(f"/me/sessions/{other}"), 404, "not_found")
    assert all(item["id"] not in ids for item in attacker.get("/me/sessions").json()["items"])
    assert logged_in(victim_browser) and victim_app.get("/me").status_code == 200


def test_revoke_others_keeps_only_the_current_one(make_user):
    make_user("mira")
    phone, laptop, app = browser("mira"), browser("mira"), app_token("mira")
    other_app = app_token("mira")
    assert app.post("/me/sessions/revoke-others").json() == {"ended": 3}
    assert app.get("/me").status_code == 200
    assert not logged_in(phone) and not logged_in(laptop)
    assert other_app.get("/me").status_code == 401
    assert [item["current"] for item in app.get("/me/sessions").json()["items"]] == [True]


def test_password_change_in_the_api_ends_every_other_session_and_token(make_user):
    make_user("mira")
    phone, other_app, app = browser("mira"), app_token("mira"), app_token("mira")
    assert app.post("/me/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 204
    assert app.get("/me").status_code == 200
    assert other_app.get("/me").status_code == 401
    assert not logged_in(phone)
    assert BrowserSession.objects.count() == 0


def test_password_change_in_the_api_from_a_browser_keeps_that_browser(make_user):
    make_user("mira")
    laptop, phone = browser("mira"), browser("mira")
    response = laptop.post("/api/vitrina/v1/me/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 204
    assert logged_in(laptop) and not logged_in(phone)


def test_password_change_page_keeps_this_browser_and_ends_the_rest(make_user):
    make_user("mira")
    laptop, phone, app = browser("mira"), browser("mira"), app_token("mira")
    response = laptop.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(laptop)
    assert not logged_in(phone)
    assert app.get("/me").status_code == 401
    # The kept session still shows (under its new key) as the current one.
    items = laptop.get("/api/vitrina/v1/me/sessions").json()["items"]
    assert [item["current"] for item in items] == [True]
    assert laptop.post("/accounts/logout/").status_code == 302
    assert BrowserSession.objects.count() == 0


def test_sign_out_everywhere_ends_all_and_keeps_what_it_is_told(make_user):
    user = make_user("mira")
    phone, laptop, app = browser("mira"), browser("mira"), app_token("mira")
    keep = laptop.session.session_key
    assert services.sign_out_everywhere(user=user, keep_session_key=keep) == 2
    assert logged_in(laptop) and not logged_in(phone) and app.get("/me").status_code == 401
    assert services.sign_out_everywhere(user=user) == 1
    assert not logged_in(laptop)


def test_security_page_lists_and_ends_sessions_without_javascript(make_user):
    make_user("mira")
    phone, laptop = browser("mira"), browser("mira", agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Firefox/133.0")
    app_token("mira")
    settings_page = laptop.get("/accounts/settings/").content.decode()
    assert 'href="/accounts/security/"' in settings_page
    page = laptop.get("/accounts/security/").content.decode()
    assert "Chrome · Android" in page and "Firefox · macOS" in page and "203.0.113.0/24" in page
    assert "This device" in page
    phone_row = BrowserSession.objects.exclude(key_hash=BrowserSession.hash(laptop.session.session_key)).get()
    response = laptop.post("/accounts/security/revoke/", {"id": f"session-{phone_row.pk}"}, follow=True)
    assert "Signed out." in response.content.decode()
    assert not logged_in(phone)
    response = laptop.post("/accounts/security/revoke-others/", follow=True)
    assert "Signed out of 1 other session." in response.content.decode()
    assert logged_in(laptop)
    assert ApiToken.objects.count() == 0
    response = laptop.post("/accounts/security/revoke/", {"id": "session-999999"}, follow=True)
    assert "already ended" in response.content.decode()


def test_security_page_needs_log_in(client):
    assert client.get("/accounts/security/").status_code == 302
    assert client.post("/accounts/security/revoke-others/").status_code == 302


def test_session_check_reads_the_database_at_most_every_few_minutes(make_user, settings):
    make_user("mira")
    phone = browser("mira")
    row = BrowserSession.objects.get()
    first_used = row.last_used_at

    def tracking_queries():
        with CaptureQueriesContext(connection) as queries:
            assert logged_in(phone)
        return [q["sql"] for q in queries.captured_queries if "browsersession" in q["sql"].lower()]

    tracking_queries()
    assert tracking_queries() == []
    BrowserSession.objects.filter(pk=row.pk).update(last_used_at=first_used - timedelta(minutes=6))
    from django.core.cache import cache
    cache.delete(f"browser-session:{row.pk}")  # as after SESSION_TOUCH_EVERY seconds
    assert tracking_queries()
    assert BrowserSession.objects.get().last_used_at > first_used - timedelta(minutes=1)


def test_a_session_without_a_tracking_row_is_logged_out(make_user):
    make_user("mira")
    phone = browser("mira")
    session = phone.session
    del session[sessions.SESSION_MARK]
    session.save()
    assert not logged_in(phone)


def test_logging_out_forgets_the_session_and_suspension_ends_all(make_user):
    user = make_user("mira")
    phone = browser("mira")
    phone.post("/accounts/logout/")
    assert BrowserSession.objects.count() == 0
    laptop = browser("mira")
    services.user_suspend(user=user)
    assert BrowserSession.objects.count() == 0
    assert not logged_in(laptop)


@pytest.mark.redis
def test_revocation_works_with_redis_cached_db_sessions(make_user):
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    make_user("mira")
    phone, laptop = browser("mira"), browser("mira")
    for _ in range(2):
        assert logged_in(phone)  # the session and the check both come from Redis now
    laptop.post("/accounts/security/revoke-others/")
    assert not logged_in(phone)
    assert logged_in(laptop)


def test_truncated_addresses():
    assert sessions.truncate_ip("203.0.113.77") == "203.0.113.0/24"
    assert sessions.truncate_ip("2001:db8:abcd:12::5") == "2001:db8:abcd::/48"
    assert sessions.truncate_ip("unknown") == ""
