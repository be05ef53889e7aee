import re

import pytest

from tests.conftest import assert_error
from vitrina.accounts.models import Block, User
from vitrina.social import services
from vitrina.social.models import Follow, FollowRequest

pytestmark = pytest.mark.django_db


def test_block_ends_follows_and_requests_both_ways(api, make_user):
    mira, omar = make_user("mira", private=True), make_user("omar", private=True)
    services.follow_create(follower=mira, target=omar)
    services.follow_request_approve(target=omar, requester=mira)
    services.follow_create(follower=omar, target=mira)  # a pending request
    assert api(mira).post("/accounts/omar/block").status_code == 204
    assert not Follow.objects.exists() and not FollowRequest.objects.exists()
    for user in User.objects.all():
        assert (user.followers_count, user.following_count) == (0, 0)


def test_blocked_person_cannot_see_the_blocker_anywhere(api, page_client, make_user):
    mira, omar, third = make_user("mira"), make_user("omar"), make_user("third")
    services.follow_create(follower=mira, target=third)
    services.block_create(blocker=mira, target=omar)
    assert_error(api(omar).get("/accounts/mira"), 404)
    assert_error(api(omar).get("/accounts/mira/followers"), 404)
    assert_error(api(omar).get("/accounts/mira/following"), 404)
    assert_error(api(omar).post("/accounts/mira/follow"), 404)
    assert_error(api(omar).post("/accounts/mira/block"), 404)
    assert page_client(omar).get("/mira/").status_code == 404
    assert page_client(omar).get("/mira/followers/").status_code == 404
    # Not even in someone else's list.
    assert api(omar).get("/accounts/third/followers").json()["items"] == []
    assert [a["username"] for a in api().get("/accounts/third/followers").json()["items"]] == ["mira"]


def test_blocker_sees_a_blocked_profile_only_to_unblock(api, page_client, make_user):
    mira, omar = make_user("mira"), make_user("omar")
    services.block_create(blocker=mira, target=omar)
    body = api(mira).get("/accounts/omar").json()
    assert body["relationship"]["blocking"] is True
    assert_error(api(mira).get("/accounts/omar/followers"), 404)
    page = page_client(mira).get("/omar/").content.decode()
    assert 'data-testid="unblock-button"' in page
    assert 'data-testid="follow-button"' not in page
    assert [a["username"] for a in api(mira).get("/me/blocks").json()["items"]] == ["omar"]


def test_unblock_restores_visibility_but_not_follows(api, make_user):
    mira, omar = make_user("mira"), make_user("omar")
    services.follow_create(follower=omar, target=mira)
    services.block_create(blocker=mira, target=omar)
    assert api(mira).delete("/accounts/omar/block").status_code == 204
    assert api(omar).get("/accounts/mira").status_code == 200
    assert not Follow.objects.exists()
    assert api(omar).post("/accounts/mira/follow").json() == {"state": "following"}


def test_block_is_idempotent_and_not_for_yourself(api, make_user):
    mira, _ = make_user("mira"), make_user("omar")
    assert api(mira).post("/accounts/omar/block").status_code == 204
    assert api(mira).post("/accounts/omar/block").status_code == 204
    assert Block.objects.count() == 1
    assert_error(api(mira).post("/accounts/mira/block"), 422, "cannot_block_self")
    assert_error(api(mira).post("/accounts/nobody/block"), 404)


def blocked_list(client):
    """Usernames in the rows of the blocked-accounts page (not in its flash messages)."""
    page = client.get("/accounts/blocked/").content.decode()
    return re.findall(r'<li class="person" data-username="([^"]+)"', page)


def test_block_from_profile_page(page_client, make_user):
    mira, omar = make_user("mira"), make_user("omar")
    services.follow_create(follower=omar, target=mira)
    client = page_client(mira)
    assert client.post("/omar/block/", {"action": "block", "next": "/omar/"}).status_code == 302
    assert Block.objects.filter(blocker=mira, blocked=omar).exists()
    assert not Follow.objects.exists()
    assert blocked_list(client) == ["omar"]
    assert client.post("/omar/block/", {"action": "unblock"}).status_code == 302
    assert not Block.objects.exists()
    assert blocked_list(client) == []
