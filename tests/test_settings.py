"""Settings and its screens: Edit profile, Account, Privacy, Security, Language, Your data; and the sign-up form."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.html import escape

from tests.conftest import PASSWORD
from vitrina.accounts.models import User
from vitrina.social import services as social
from vitrina.social.models import Follow, FollowRequest

pytestmark = pytest.mark.django_db

SETTINGS = "/accounts/settings/"
ACCOUNT = "/accounts/settings/account/"
PRIVACY = "/accounts/settings/privacy/"
LANGUAGE = "/accounts/settings/language/"
# Every screen under Settings, and where its back arrow goes.
SCREENS = {
    SETTINGS: "/mira/",
    "/accounts/edit/": SETTINGS,
    ACCOUNT: SETTINGS,
    PRIVACY: SETTINGS,
    "/accounts/security/": SETTINGS,
    LANGUAGE: SETTINGS,
    "/accounts/data/": SETTINGS,
    "/accounts/email/": ACCOUNT,
    "/accounts/username/": ACCOUNT,
    "/accounts/password/": ACCOUNT,
    "/accounts/requests/": PRIVACY,
    "/accounts/blocked/": PRIVACY,
}
BUSINESS = {"category": "food", "city": "Kolkata", "contact_email": "shop@example.com",
            "contact_phone": "+91 33 4000 1234"}


class Inputs(HTMLParser):
    """The attributes of every <input>, by name (radio buttons: the last one)."""

    def __init__(self, html):
        super().__init__()
        self.inputs = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and "name" in attrs:
            self.inputs[attrs["name"]] = attrs


def inputs(response):
    return Inputs(response.content.decode()).inputs


def profile_form(**fields):
    return {"display_name": "Mira", "bio": "", "website": "", "account_type": "personal", **fields}


@pytest.fixture
def mira(make_user, client):
    user = make_user("mira")
    client.force_login(user)
    return user


@pytest.mark.parametrize("path,back", SCREENS.items())
def test_settings_screens_have_one_title_and_go_back_up(client, mira, path, back):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert re.search(rf'<a class="icon-button" href="{re.escape(back)}"[^>]*data-testid="back"', page), back


@pytest.mark.parametrize("path", [SETTINGS, ACCOUNT, PRIVACY, LANGUAGE])
def test_settings_screens_send_visitors_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_gear_opens_settings_which_lists_every_section(client, mira):
    home = client.get("/").content.decode()
    assert re.search(r'href="/accounts/settings/"[^>]*data-testid="settings-link"', home)
    page = client.get(SETTINGS).content.decode()
    for href in ["/accounts/edit/", ACCOUNT, PRIVACY, "/accounts/security/", LANGUAGE, "/accounts/data/"]:
        assert f'href="{href}"' in page, href
    assert re.search(r'<form method="post" action="/accounts/logout/">', page)
    assert "mira@example.com" in page  # the Account row says which address


def test_account_screen_links_email_username_and_password(client, mira):
    page = client.get(ACCOUNT).content.decode()
    for href in ["/accounts/email/", "/accounts/username/", "/accounts/password/"]:
        assert f'href="{href}"' in page
    assert "@mira" in page


def test_password_change_comes_back_to_account_settings(client, mira):
    new = "another fine passphrase"
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password": new,
                                                   "new_password_again": new})
    assert response.status_code == 302 and response["Location"] == ACCOUNT


@pytest.mark.parametrize("account_type", ["personal", "creator"])
def test_business_fields_are_neither_shown_nor_accepted_for_other_accounts(client, make_user, account_type):
    user = make_user("mira", account_type=account_type)
    client.force_login(user)
    assert not set(BUSINESS) & set(inputs(client.get("/accounts/edit/")))
    response = client.post("/accounts/edit/", profile_form(account_type=account_type, bio="Hello", **BUSINESS))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.bio == "Hello"
    assert (user.category, user.city, user.contact_email, user.contact_phone) == ("", "", "", "")


def test_business_fields_are_shown_and_saved_for_a_business(client, make_user):
    user = make_user("corner", account_type="business")
    client.force_login(user)
    assert set(BUSINESS) <= set(inputs(client.get("/accounts/edit/")))
    response = client.post("/accounts/edit/", profile_form(account_type="business", **BUSINESS))
    assert response.status_code == 302 and response["Location"] == "/corner/"
    user.refresh_from_db()
    assert {name: getattr(user, name) for name in BUSINESS} == BUSINESS


def test_becoming_a_business_comes_back_to_fill_in_its_details(client, mira):
    response = client.post("/accounts/edit/", profile_form(account_type="business", **BUSINESS))
    assert response.status_code == 302 and response["Location"] == "/accounts/edit/"
    mira.refresh_from_db()
    assert mira.account_type == "business" and mira.category == ""  # not on the form it was sent from
    assert set(BUSINESS) <= set(inputs(client.get("/accounts/edit/")))


def test_a_business_turning_personal_keeps_its_details_hidden(client, make_user):
    user = make_user("corner", account_type="business", **BUSINESS)
    client.force_login(user)
    response = client.post("/accounts/edit/", profile_form(**BUSINESS))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.account_type == "personal" and user.category == "food"
    assert "Kolkata" not in client.get("/corner/").content.decode()


def test_privacy_is_its_own_screen_not_part_of_edit_profile(client, mira):
    assert "is_private" not in inputs(client.get("/accounts/edit/"))
    assert client.post("/accounts/edit/", profile_form(is_private="on")).status_code == 302
    mira.refresh_from_db()
    assert mira.is_private is False
    switch = inputs(client.get(PRIVACY))["is_private"]
    assert switch["type"] == "checkbox" and switch["role"] == "switch" and "checked" not in switch
    response = client.post(PRIVACY, {"is_private": "on"})
    assert response.status_code == 302 and response["Location"] == PRIVACY
    mira.refresh_from_db()
    assert mira.is_private is True
    assert "checked" in inputs(client.get(PRIVACY))["is_private"]


def test_going_public_from_privacy_approves_pending_requests(client, make_user):
    owner, fan = make_user("owner", private=True), make_user("fan")
    social.follow_create(follower=fan, target=owner)
    client.force_login(owner)
    page = client.get(PRIVACY).content.decode()
    assert 'data-testid="public-approves"' in page and 'href="/accounts/requests/"' in page
    assert client.post(PRIVACY, {}).status_code == 302
    owner.refresh_from_db()
    assert owner.is_private is False and owner.followers_count == 1
    assert Follow.objects.filter(follower=fan, target=owner).exists()
    assert not FollowRequest.objects.exists()


def test_language_choice_applies_and_persists(client, mira):
    page = client.get(LANGUAGE).content.decode()
    # The form posts to the page itself: the choice is kept on the account (for order emails), then
    # Django's set_language sets the cookie.
    assert f'action="{LANGUAGE}"' in page and f'name="next" value="{LANGUAGE}"' in page
    assert "Русский" in page and "বাংলা" in page
    response = client.post(LANGUAGE, {"language": "bn", "next": LANGUAGE})
    assert response.status_code == 302 and response["Location"] == LANGUAGE
    mira.refresh_from_db()
    assert mira.language == "bn"
    page = client.get(LANGUAGE, headers={"Accept-Language": "ru"}).content.decode()
    assert 'lang="bn"' in page
    assert re.search(r'value="bn" data-autosubmit checked', page)
    with translation.override("bn"):
        assert translation.gettext("Language") in client.get(SETTINGS).content.decode()


def test_sign_up_shows_the_password_rules_before_the_first_try(client):
    page = client.get("/accounts/signup/").content.decode()
    rules = password_validation.password_validators_help_texts()
    assert len(rules) == 4
    field = page.index('name="password"')
    for rule in rules:
        assert field < page.index(f"<li>{escape(rule)}</li>")  # a list under the field
    assert 'aria-describedby="id_password_helptext"' in page


def test_sign_up_keeps_the_typed_password_on_an_error(client, make_user):
    make_user("mira")
    response = client.post("/accounts/signup/", {"username": "mira", "email": "m2@example.com",
                                                 "password": "kept & typed 2026", "account_type": "personal"})
    assert response.status_code == 422 and "already exists" in response.content.decode()
    assert inputs(response)["password"]["value"] == "kept & typed 2026"
    assert User.objects.count() == 1
    # Log-in does not send the password back.
    response = client.post("/accounts/login/", {"username": "mira", "password": "wrong password"})
    assert response.status_code == 401 and "value" not in inputs(response)["password"]


@pytest.mark.parametrize("path,expected", [
    ("/accounts/login/", {"username": "username", "password": "current-password"}),
    ("/accounts/signup/", {"username": "username", "email": "email", "display_name": "name",
                           "password": "new-password"}),
])
def test_auth_fields_have_autocomplete(client, path, expected):
    fields = inputs(client.get(path))
    assert {name: fields[name].get("autocomplete") for name in expected} == expected


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_auth_pages_name_vitrina_once(client, path):
    page = client.get(path).content.decode()
    body = page[page.index("<body"):]
    assert body.count("Vitrina") == 1 and body.count("<h1") == 1
