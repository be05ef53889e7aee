"""Who may see a private account's lists: the page and the API give the same answers."""

import pytest

from vitrina.social import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    owner = make_user("owner", private=True)
    follower = make_user("follower")
    stranger = make_user("stranger")
    requester = make_user("requester")
    blocked = make_user("blocked")
    services.follow_create(follower=follower, target=owner)
    services.follow_request_approve(target=owner, requester=follower)
    services.follow_create(follower=requester, target=owner)  # still pending
    services.follow_create(follower=blocked, target=owner)
    services.follow_request_approve(target=owner, requester=blocked)
    services.block_create(blocker=owner, target=blocked)
    return {"owner": owner, "follower": follower, "stranger": stranger, "requester": requester,
            "blocked": blocked, "anonymous": None}


ALLOWED = {"owner", "follower"}
PATHS = ["followers", "following"]


@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "requester", "blocked", "follower", "owner"])
@pytest.mark.parametrize("which", PATHS)
def test_private_lists_via_api(world, api, viewer, which):
    response = api(world[viewer]).get(f"/accounts/owner/{which}")
    assert response.status_code == (200 if viewer in ALLOWED else 404)
    if viewer not in ALLOWED:
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "requester", "blocked", "follower", "owner"])
@pytest.mark.parametrize("which", PATHS)
def test_private_lists_as_pages(world, page_client, viewer, which):
    response = page_client(world[viewer]).get(f"/owner/{which}/")
    assert response.status_code == (200 if viewer in ALLOWED else 404)


@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "requester"])
def test_private_profile_shows_header_but_no_content(world, page_client, api, viewer):
    page = page_client(world[viewer]).get("/owner/").content.decode()
    assert 'data-testid="private-notice"' in page
    assert 'data-testid="post-grid"' not in page
    assert 'href="/owner/followers/"' not in page
    body = api(world[viewer]).get("/accounts/owner").json()
    assert body["is_private"] is True and body["followers_count"] == 1


def test_follower_sees_content(world, page_client):
    page = page_client(world["follower"]).get("/owner/").content.decode()
    assert 'data-testid="post-grid"' in page
    assert 'data-testid="private-notice"' not in page


def test_blocked_user_gets_404_for_profile_page_and_api(world, page_client, api):
    assert page_client(world["blocked"]).get("/owner/").status_code == 404
    assert api(world["blocked"]).get("/accounts/owner").status_code == 404


def test_requests_are_visible_only_to_the_owner(world, api):
    assert [a["username"] for a in api(world["owner"]).get("/me/follow-requests").json()["items"]] == ["requester"]
    assert api(world["follower"]).get("/me/follow-requests").json()["items"] == []
    assert api().get("/me/follow-requests").status_code == 401


def test_private_email_is_never_in_public_profile(world, api):
    body = api(world["follower"]).get("/accounts/owner").json()
    assert "email" not in body
    assert "owner@example.com" not in str(body)
