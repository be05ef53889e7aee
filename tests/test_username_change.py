"""Changing a username: the old one is held for its owner for USERNAME_HOLD_DAYS."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import PASSWORD, assert_error
from vitrina.accounts.models import UsernameHold, User
from vitrina.accounts.tasks import expire_username_holds
from vitrina.social import services as social_services


def signup(api, username):
    return api().post("/auth/signup", {"username": username, "email": f"{username}@x.example", "password": PASSWORD})


def test_change_through_the_api_holds_the_old_name(api, make_user):
    mira, noor = make_user("mira"), make_user("noor")
    response = api(mira).post("/me/username", {"username": "@Mira.Rao"})
    assert response.status_code == 200 and response.json()["username"] == "mira.rao"
    assert User.objects.get(pk=mira.pk).username == "mira.rao"

    assert_error(signup(api, "mira"), 422, field="username")
    assert_error(api(noor).post("/me/username", {"username": "mira"}), 422, field="username")
    assert User.objects.get(pk=noor.pk).username == "noor"
    # The owner may take it back; then the newer name is held instead.
    assert api(mira).post("/me/username", {"username": "mira"}).json()["username"] == "mira"
    assert list(UsernameHold.objects.values_list("username", flat=True)) == ["mira.rao"]


def test_the_hold_ends_after_the_days(api, make_user, settings):
    settings.USERNAME_HOLD_DAYS = 14
    mira = make_user("mira")
    with freeze_time(timezone.now()) as frozen:
        api(mira).post("/me/username", {"username": "mira.rao"})
        frozen.tick(timedelta(days=13, hours=23))
        assert_error(signup(api, "mira"), 422, field="username")
        frozen.tick(timedelta(hours=2))
        assert signup(api, "mira").status_code == 201
        expire_username_holds.call()
    assert not UsernameHold.objects.exists()


@pytest.mark.parametrize("name", ["", "no spaces", "x" * 31, ".dot", "two..dots", "admin", "explore", "ми"])
def test_invalid_names_are_refused_and_change_nothing(api, make_user, name):
    mira = make_user("mira")
    assert_error(api(mira).post("/me/username", {"username": name}), 422, field="username")
    assert User.objects.get(pk=mira.pk).username == "mira"
    assert not UsernameHold.objects.exists()


def test_a_name_in_use_is_refused(api, make_user):
    mira, _noor = make_user("mira"), make_user("noor")
    assert_error(api(mira).post("/me/username", {"username": "NOOR"}), 422, field="username")
    assert not UsernameHold.objects.exists()


def test_same_name_is_a_no_op(api, make_user):
    mira = make_user("mira")
    assert api(mira).post("/me/username", {"username": "Mira"}).json()["username"] == "mira"
    assert not UsernameHold.objects.exists()


def test_changes_are_limited_per_day(api, make_user, settings):
    settings.USERNAME_CHANGES_PER_DAY = 2
    mira = make_user("mira")
    codes = [api(mira).post("/me/username", {"username": f"mira{n}"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert User.objects.get(pk=mira.pk).username == "mira1"


def test_old_profile_url_redirects_while_held(client, make_user, settings):
    mira, noor = make_user("mira"), make_user("noor")
    client.post("/accounts/login/", {"username": "mira", "password": PASSWORD})
    response = client.post("/accounts/username/", {"username": "mira.rao"})
    assert response.status_code == 302 and response["Location"] == "/mira.rao/"
    assert client.get("/mira/").status_code == 302
    assert client.get("/mira/")["Location"] == "/mira.rao/"
    # Someone the member blocked learns nothing of the new name.
    social_services.block_create(blocker=User.objects.get(pk=mira.pk), target=noor)
    client.force_login(noor)
    assert client.get("/mira/").status_code == 404
    UsernameHold.objects.update(until=timezone.now() - timedelta(seconds=1))
    client.logout()
    assert client.get("/mira/").status_code == 404


def test_username_page_shows_errors(client, make_user):
    mira, _noor = make_user("mira"), make_user("noor")
    client.force_login(mira)
    assert 'href="/accounts/username/"' in client.get("/accounts/settings/account/").content.decode()
    assert client.get("/accounts/username/").status_code == 200
    taken = client.post("/accounts/username/", {"username": "noor"})
    assert taken.status_code == 422 and "available" in taken.content.decode()
