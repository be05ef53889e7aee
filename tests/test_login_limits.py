"""Log-in limits hold under parallel guesses, while Redis is down, and on the admin's log-in."""

from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings

from tests.conftest import PASSWORD, assert_error
from tests.threads import run_at_once
from vitrina.accounts import services
from vitrina.accounts.models import User
from vitrina.core import throttle
from vitrina.core.errors import ServiceError
from vitrina.core.models import ThrottleCounter


def outcome(result):
    return result.code if isinstance(result, ServiceError) else type(result).__name__


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_guesses_get_exactly_the_limit_through(make_user):
    make_user("mira")
    results = run_at_once([
        lambda i=i: services.login_check(username="mira", password=f"guess {i}", ip=f"10.9.0.{i}")
        for i in range(40)
    ])
    assert Counter(outcome(r) for r in results) == {"invalid_credentials": 10, "rate_limited": 30}


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_from_one_address_get_exactly_the_limit_through(make_user):
    results = run_at_once([
        lambda i=i: services.login_check(username=f"nobody{i}", password="guess", ip="10.9.9.9")
        for i in range(40)
    ])
    assert Counter(outcome(r) for r in results) == {"invalid_credentials": 10, "rate_limited": 30}


@pytest.mark.django_db
def test_right_passwords_do_not_use_up_the_address(make_user, api):
    make_user("mira")
    for _ in range(25):
        assert api().post("/auth/token", {"username": "mira", "password": PASSWORD}).status_code == 200
    for i in range(9):
        api().post("/auth/token", {"username": f"someone{i}", "password": "wrong"})
    assert api().post("/auth/token", {"username": "mira", "password": PASSWORD}).status_code == 200


@pytest.mark.redis
@pytest.mark.django_db
def test_log_in_limit_holds_while_redis_is_down(make_user, api, caplog):
    make_user("mira")
    dead = "redis://127.0.0.1:1/0"
    with override_settings(CACHES={"default": {**django_settings.CACHES["default"], "LOCATION": dead}},
                           REDIS_URL=dead):
        for _ in range(10):
            assert_error(api().post("/auth/token", {"username": "mira", "password": "wrong"}), 401)
        response = api().post("/auth/token", {"username": "mira", "password": PASSWORD})
        assert_error(response, 429, "rate_limited")
        assert 1 <= int(response["Retry-After"]) <= django_settings.LOGIN_THROTTLE_WINDOW + 1
        assert ThrottleCounter.objects.filter(count__gte=10).exists()
        # The other callers' helpers read the same counters.
        keys = ["user:mira"]
        assert throttle.seconds_blocked("login", keys, limit=10, window=300) > 0
    assert "Redis did not answer" in caplog.text


@pytest.mark.django_db
def test_counters_fall_back_to_the_database_when_redis_fails(make_user, monkeypatch):
    """The same fall-back on every pass: the store is made to fail as Redis does."""
    from redis import RedisError

    def down(*args, **kwargs):
        raise RedisError("connection refused")

    monkeypatch.setattr(throttle, "_redis", lambda: type("Dead", (), {"pipeline": down, "decr": down})())
    monkeypatch.setattr(throttle.cache, "delete_many", down)
    assert [throttle.hit("t", ["a"], limit=2, window=60) > 0 for _ in range(3)] == [False, False, True]
    assert throttle.seconds_blocked("t", ["a"], limit=2, window=60) > 0
    throttle.reset("t", ["a"])
    assert throttle.seconds_blocked("t", ["a"], limit=2, window=60) == 0


@pytest.fixture
def staff(make_user):
    user = make_user("moderator.one")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return user


def admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


@pytest.mark.django_db
def test_admin_log_in_counts_into_the_account_limit(staff, api):
    client = Client(REMOTE_ADDR="10.0.0.50")
    for _ in range(10):
        response = admin_login(client, "moderator.one", "wrong")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    # The normal log-in of the same account is now refused, from anywhere.
    assert_error(Client(REMOTE_ADDR="10.0.0.51").post(
        "/api/vitrina/v1/auth/token", {"username": "moderator.one", "password": PASSWORD},
        content_type="application/json"), 429, "rate_limited")
    # And so is the admin's, even with the right password.
    response = admin_login(client, "moderator.one", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Too many failed log-in attempts" in response.content.decode()


@pytest.mark.django_db
def test_admin_log_in_is_refused_after_normal_log_in_failures(staff, client):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "moderator.one", "password": "wrong"})
    admin_login(client, "moderator.one", PASSWORD)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_log_in_still_works_and_needs_staff(staff, make_user, client):
    make_user("member")
    admin_login(client, "member", PASSWORD)
    assert "_auth_user_id" not in client.session
    response = admin_login(client, "moderator.one", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
