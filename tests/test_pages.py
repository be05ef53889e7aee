import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import assert_error
from vitrina.accounts.services import token_issue
from vitrina.social import services
from vitrina.social.models import Follow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/explore/", "/shop/"])
def test_public_pages_render_with_bottom_navigation(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    for target in ['href="/"', 'href="/explore/"', 'href="/create/"', 'href="/shop/"']:
        assert target in page
    assert 'name="viewport"' in page and 'rel="manifest"' in page


@pytest.mark.parametrize("path", ["/", "/create/", "/accounts/edit/", "/accounts/requests/", "/accounts/blocked/",
                                  "/accounts/password/"])
def test_member_pages_render(page_client, make_user, path):
    assert page_client(make_user("mira")).get(path).status_code == 200


def test_profile_page_shows_header_counts_and_business_details(client, make_user):
    shop = make_user("corner.shop", account_type="business", category="food", city="Kolkata",
                     display_name="Corner ☕", bio="Fresh every morning", website="https://corner.example",
                     contact_phone="+91 33 4000 1234")
    services.follow_create(follower=make_user("fan"), target=shop)
    page = client.get("/corner.shop/").content.decode()
    assert 'data-testid="followers-count">1<' in page
    assert "Corner ☕" in page and "Fresh every morning" in page and "Kolkata" in page
    # The website link goes through the counting redirect (vitrina.insights), which sends on to it.
    assert 'href="/insights/out/corner.shop"' in page and 'rel="nofollow noopener ugc"' in page
    assert ">corner.example<" in page
    assert client.get("/insights/out/corner.shop")["Location"] == "https://corner.example"
    assert "Food and drink" in page


def test_unknown_profile_is_404_page(client):
    response = client.get("/nobody-here/")
    assert response.status_code == 404
    assert "isn't available" in response.content.decode()


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/vitrina/v1/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_forms_and_htmx_posts_need_csrf(make_user):
    mira, _ = make_user("mira"), make_user("omar")
    client = Client(enforce_csrf_checks=True)
    client.force_login(mira)
    assert client.post("/omar/follow/", {"action": "follow"}).status_code == 403
    assert client.post("/omar/follow/", {"action": "follow"}, headers={"HX-Request": "true"}).status_code == 403
    client.get("/omar/")
    token = client.cookies["csrftoken"].value
    response = client.post("/omar/follow/", {"action": "follow"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    page = client.get("/omar/").content.decode()
    assert "hx-headers='{\"X-CSRFToken\":" in page


def test_api_with_session_needs_csrf_but_bearer_does_not(make_user):
    make_user("mira")
    omar = make_user("omar")
    follow = "/api/vitrina/v1/accounts/mira/follow"
    client = Client(enforce_csrf_checks=True)
    client.force_login(omar)
    assert client.get("/api/vitrina/v1/me").json()["username"] == "omar"
    assert_error(client.post(follow), 403, "csrf_failed")
    assert not Follow.objects.exists()
    bearer = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token_issue(user=omar)}"})
    response = bearer.post(follow)
    assert response.status_code == 200 and response.json() == {"state": "following"}
    assert Follow.objects.filter(follower=omar, target__username="mira").exists()


def test_login_form_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "a", "password": "b"}).status_code == 403


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    make_user("mira")
    response = client.post("/accounts/login/", {"username": "mira", "password": "long enough passphrase 42"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("language,text", [("ru", "Войти"), ("bn", "লগ ইন")])
def test_language_from_accept_language(client, language, text):
    page = client.get("/accounts/login/", headers={"Accept-Language": language}).content.decode()
    assert f'lang="{language}"' in page
    assert text in page


def test_language_switcher_remembers_the_choice(client):
    response = client.post("/i18n/setlang/", {"language": "bn", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/", headers={"Accept-Language": "ru"}).content.decode()
    assert 'lang="bn"' in page


def test_api_errors_are_translated(client):
    response = client.post("/api/vitrina/v1/auth/token", {"username": "x", "password": "y"},
                           content_type="application/json", headers={"Accept-Language": "ru"})
    message = assert_error(response, 401, "invalid_credentials")["message"]
    with translation.override("ru"):
        russian = gettext("Incorrect username or password.")
    assert russian != "Incorrect username or password."  # the catalog has it
    assert message == russian


def test_manifest_and_health(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == "/"
    assert client.get("/healthz").json() == {"status": "ok"}

