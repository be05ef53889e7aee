"""A "next" page is followed only when it stays on this site, however a browser would read it."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Browsers read "\" as "/" and drop tabs and newlines, so each of these leaves the site.
OFFSITE = ["//evil.example/", "/\\evil.example/", "/\\/evil.example/", "/\t/evil.example/", "/\n/evil.example/",
           "https://evil.example/", "\\\\evil.example/", " //evil.example/",
           "///evil.example/"]


@pytest.mark.parametrize("target", OFFSITE)
def test_login_never_redirects_off_site(client, make_user, target):
    make_user("mira")
    response = client.post("/accounts/login/", {"username": "mira", "password": PASSWORD},
                           QUERY_STRING="next=" + target.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A")
                           .replace(" ", "%20").replace("\\", "%5C"))
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OFFSITE)
def test_follow_form_never_redirects_off_site(page_client, make_user, target):
    make_user("star")
    response = page_client(make_user("fan")).post("/star/follow/", {"action": "follow", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/star/"


def test_an_escaped_tab_stays_on_site(client, make_user):
    make_user("mira")
    response = client.post("/accounts/login/?next=/%2509/x/", {"username": "mira", "password": PASSWORD})
    assert response["Location"] == "/%09/x/"


def test_a_local_next_is_followed(client, make_user):
    make_user("mira")
    response = client.post("/accounts/login/?next=/mira/?tab=saved", {"username": "mira", "password": PASSWORD})
    assert response["Location"] == "/mira/?tab=saved"
