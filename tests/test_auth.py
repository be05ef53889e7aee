from datetime import timedelta

import pytest
from django.test import Client, override_settings
from freezegun import freeze_time

from tests.conftest import LOCAL_CACHE, PASSWORD, assert_error
from vitrina.accounts import services
from vitrina.accounts.models import ApiToken
from vitrina.social.services import follow_create

pytestmark = pytest.mark.django_db


def test_token_for_right_password(api, make_user):
    make_user("mira")
    response = api().post("/auth/token", {"username": "Mira", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert api().get("/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "mira"
    # Only a hash of the token is stored.
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash(token)).exists()


@pytest.mark.parametrize("username,password", [("mira", "wrong password"), ("nobody", PASSWORD), ("", "")])
def test_wrong_credentials_are_401(api, make_user, username, password):
    make_user("mira")
    assert_error(api().post("/auth/token", {"username": username, "password": password}), 401, "invalid_credentials")


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Token abc", "Bearer vt_" + "x" * 43])
def test_wrong_tokens_are_401(api, header):
    assert_error(api().get("/me", headers={"Authorization": header}), 401, "unauthenticated")


def test_wrong_token_is_401_even_where_anonymous_may_read(api, make_user):
    make_user("mira")
    assert api().get("/accounts/mira").status_code == 200
    assert_error(api().get("/accounts/mira", headers={"Authorization": "Bearer nope"}), 401)


def test_token_use_is_recorded_at_most_every_ten_minutes(api, make_user):
    user = make_user("mira")
    token = services.token_issue(user=user)
    row = ApiToken.objects.get(key_hash=ApiToken.hash(token))
    assert row.last_used_at is None
    headers = {"Authorization": f"Bearer {token}"}
    assert api().get("/me", headers=headers).json()["username"] == "mira"
    first = ApiToken.objects.get(pk=row.pk).last_used_at
    assert first is not None
    assert api().get("/me", headers=headers).status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first  # no write per request
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(minutes=11))
    assert api().get("/me", headers=headers).status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at > first


def test_me_needs_authentication(api):
    assert_error(api().get("/me"), 401, "unauthenticated")
    assert_error(api().patch("/me", {"bio": "x"}), 401)


def test_eleventh_attempt_on_one_account_is_429_even_with_right_password(api, make_user):
    make_user("mira")
    for _ in range(10):
        assert api().post("/auth/token", {"username": "mira", "password": "wrong"}).status_code == 401
    response = api().post("/auth/token", {"username": "mira", "password": PASSWORD})
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 301


def test_failures_from_one_address_across_accounts_are_throttled(api, make_user):
    make_user("mira")
    for i in range(10):
        api().post("/auth/token", {"username": f"guess{i}", "password": "wrong"})
    assert_error(api().post("/auth/token", {"username": "mira", "password": PASSWORD}), 429)


def test_other_addresses_and_accounts_are_not_throttled(api, make_user):
    make_user("mira")
    make_user("omar")
    def attempt(username, password, address):
        return Client(REMOTE_ADDR=address).post(
            "/api/vitrina/v1/auth/token", {"username": username, "password": password},
            content_type="application/json")

    for _ in range(10):
        attempt("mira", "wrong", "10.0.0.1")
    assert attempt("mira", PASSWORD, "10.0.0.1").status_code == 429
    # Another account from another address is not affected.
    assert attempt("omar", PASSWORD, "10.0.0.2").status_code == 200


def test_throttle_window_ends(api, make_user, settings):
    make_user("mira")
    window = settings.LOGIN_THROTTLE_WINDOW
    with override_settings(CACHES=LOCAL_CACHE), freeze_time("2026-06-01 12:00:00") as clock:
        for _ in range(10):
            assert_error(api().post("/auth/token", {"username": "mira", "password": "wrong"}), 401)
        response = api().post("/auth/token", {"username": "mira", "password": PASSWORD})
        assert_error(response, 429, "rate_limited")
        assert int(response["Retry-After"]) == window + 1
        clock.tick(window - 1)
        assert_error(api().post("/auth/token", {"username": "mira", "password": PASSWORD}), 429)
        clock.tick(2)
        assert api().post("/auth/token", {"username": "mira", "password": PASSWORD}).status_code == 200


def test_login_page_throttles_with_429_and_retry_after(client, make_user):
    make_user("mira")
    for _ in range(10):
        response = client.post("/accounts/login/", {"username": "mira", "password": "wrong"})
        assert response.status_code == 401
        assert "Incorrect username or password" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "mira", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_login_page_logs_in_and_logout_needs_post(client, make_user):
    make_user("mira")
    response = client.post("/accounts/login/?next=/mira/", {"username": "MIRA", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/mira/"
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    # Logged out, the home page is the visitors' landing page, not mira's feed.
    home = client.get("/")
    assert 'data-testid="landing"' in home.content.decode() and not home.wsgi_request.user.is_authenticated


def test_login_page_refuses_offsite_next(client, make_user):
    make_user("mira")
    response = client.post("/accounts/login/?next=//evil.example/", {"username": "mira", "password": PASSWORD})
    assert response["Location"] == "/"


def test_password_change(api, make_user):
    user = make_user("mira")
    me = api(user)
    assert_error(me.post("/me/password", {"old_password": "wrong", "new_password": "another fine passphrase"}),
                 422, field="old_password")
    assert_error(me.post("/me/password", {"old_password": PASSWORD, "new_password": "123"}), 422, field="new_password")
    assert me.post("/me/password", {"old_password": PASSWORD, "new_password": "another fine passphrase"}).status_code == 204
    assert api().post("/auth/token", {"username": "mira", "password": "another fine passphrase"}).status_code == 200
    assert api().post("/auth/token", {"username": "mira", "password": PASSWORD}).status_code == 401


def test_password_change_page(client, make_user):
    user = make_user("mira")
    client.force_login(user)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password": "another fine passphrase", "new_password_again": "different"})
    assert response.status_code == 422
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password": "another fine passphrase",
        "new_password_again": "another fine passphrase"})
    assert response.status_code == 302
    # Still logged in after the change.
    assert client.get("/accounts/edit/").status_code == 200


def test_suspended_account_cannot_log_in_and_is_invisible(api, client, make_user):
    user = make_user("mira")
    viewer = make_user("omar")
    token = services.token_issue(user=user)
    client.force_login(user)
    services.user_suspend(user=user)
    assert_error(api().post("/auth/token", {"username": "mira", "password": PASSWORD}), 401)
    assert_error(api().get("/me", headers={"Authorization": f"Bearer {token}"}), 401)
    assert client.get("/accounts/edit/").status_code == 302  # the open session is dead too
    assert_error(api(viewer).get("/accounts/mira"), 404)
    assert_error(api(viewer).post("/accounts/mira/follow"), 404)
    assert api(viewer).get("/accounts/omar/followers").json()["items"] == []
    assert page_status(viewer, "/mira/") == 404


def page_status(user, path):
    c = Client()
    c.force_login(user)
    return c.get(path).status_code


def test_suspended_follower_disappears_from_lists(api, make_user):
    star = make_user("star")
    fan = make_user("fan")
    follow_create(follower=fan, target=star)
    assert [a["username"] for a in api().get("/accounts/star/followers").json()["items"]] == ["fan"]
    services.user_suspend(user=fan)
    assert api().get("/accounts/star/followers").json()["items"] == []
