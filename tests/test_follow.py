import pytest
from django.test import Client

from tests.conftest import assert_error
from vitrina.accounts.models import User
from vitrina.core.errors import NotFound
from vitrina.social import services
from vitrina.social.models import Follow, FollowRequest

pytestmark = pytest.mark.django_db


def counts(username):
    user = User.objects.get(username=username)
    return user.followers_count, user.following_count


def test_follow_public_account(api, make_user):
    fan, star = make_user("fan"), make_user("star")
    response = api(fan).post("/accounts/star/follow")
    assert response.json() == {"state": "following"}
    assert counts("star") == (1, 0) and counts("fan") == (0, 1)
    rel = api(fan).get("/accounts/star").json()["relationship"]
    assert rel == {"following": True, "requested": False, "followed_by": False, "blocking": False}
    assert api(star).get("/accounts/fan").json()["relationship"]["followed_by"] is True


def test_follow_is_idempotent(api, make_user):
    fan, _ = make_user("fan"), make_user("star")
    for _ in range(3):
        assert api(fan).post("/accounts/STAR/follow").json() == {"state": "following"}
    assert Follow.objects.count() == 1
    assert counts("star") == (1, 0)


def test_unfollow(api, make_user):
    fan, star = make_user("fan"), make_user("star")
    services.follow_create(follower=fan, target=star)
    assert api(fan).delete("/accounts/star/follow").json() == {"state": "none"}
    assert api(fan).delete("/accounts/star/follow").status_code == 200
    assert counts("star") == (0, 0) and counts("fan") == (0, 0)


def test_private_account_gets_a_request_then_approves(api, make_user):
    fan, owner = make_user("fan"), make_user("owner", private=True)
    assert api(fan).post("/accounts/owner/follow").json() == {"state": "requested"}
    assert api(fan).post("/accounts/owner/follow").json() == {"state": "requested"}
    assert counts("owner") == (0, 0)
    assert api(fan).get("/accounts/owner").json()["relationship"]["requested"] is True
    requests = api(owner).get("/me/follow-requests").json()
    assert [a["username"] for a in requests["items"]] == ["fan"]
    assert api(owner).post("/me/follow-requests/fan/approve").status_code == 204
    assert counts("owner") == (1, 0) and counts("fan") == (0, 1)
    assert api(owner).get("/me/follow-requests").json()["items"] == []
    assert [a["username"] for a in api(fan).get("/accounts/owner/followers").json()["items"]] == ["fan"]
    assert [a["username"] for a in api(fan).get("/accounts/fan/following").json()["items"]] == ["owner"]


def test_deny_and_withdraw_requests(api, make_user):
    fan, other, owner = make_user("fan"), make_user("other"), make_user("owner", private=True)
    api(fan).post("/accounts/owner/follow")
    api(other).post("/accounts/owner/follow")
    assert api(owner).post("/me/follow-requests/fan/deny").status_code == 204
    assert api(other).delete("/accounts/owner/follow").json() == {"state": "none"}
    assert not FollowRequest.objects.exists()
    assert_error(api(owner).post("/me/follow-requests/fan/approve"), 404)
    assert_error(api(owner).post("/me/follow-requests/nobody/deny"), 404)
    assert counts("owner") == (0, 0)


def test_going_public_approves_pending_requests(api, make_user):
    owner = make_user("owner", private=True)
    fans = [make_user(f"fan{i}") for i in range(3)]
    for fan in fans:
        api(fan).post("/accounts/owner/follow")
    assert api(owner).patch("/me", {"is_private": False}).json()["is_private"] is False
    assert counts("owner") == (3, 0)
    assert not FollowRequest.objects.exists()


def test_cannot_follow_yourself(api, make_user):
    me = make_user("mira")
    assert_error(api(me).post("/accounts/mira/follow"), 422, "cannot_follow_self")
    assert not Follow.objects.exists() and counts("mira") == (0, 0)


def test_following_unknown_account_is_404(api, make_user):
    assert_error(api(make_user("mira")).post("/accounts/nobody/follow"), 404, "not_found")


def test_following_needs_auth(api, make_user):
    make_user("star")
    assert_error(api().post("/accounts/star/follow"), 401)


def test_cannot_follow_someone_who_blocked_you(api, make_user):
    fan, star = make_user("fan"), make_user("star")
    services.block_create(blocker=star, target=fan)
    assert_error(api(fan).post("/accounts/star/follow"), 404)
    with pytest.raises(NotFound):
        services.follow_create(follower=fan, target=star)
    assert not Follow.objects.exists() and not FollowRequest.objects.exists()


def test_cannot_follow_someone_you_block(api, make_user):
    fan, star = make_user("fan"), make_user("star")
    services.block_create(blocker=fan, target=star)
    assert_error(api(fan).post("/accounts/star/follow"), 409, "blocking")
    assert not Follow.objects.exists()


def test_remove_follower(api, make_user):
    fan, star = make_user("fan"), make_user("star", private=True)
    services.follow_create(follower=fan, target=star)
    services.follow_request_approve(target=star, requester=fan)
    assert api(star).delete("/me/followers/fan").status_code == 204
    assert counts("star") == (0, 0) and counts("fan") == (0, 0)
    # The removed follower of a private account has to ask again.
    assert api(fan).post("/accounts/star/follow").json() == {"state": "requested"}


def test_lists_paginate_by_cursor_newest_first(api, make_user):
    star = make_user("star")
    fans = [make_user(f"fan{i:02d}") for i in range(25)]
    for fan in fans:
        services.follow_create(follower=fan, target=star)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10} | ({"cursor": cursor} if cursor else {})
        body = api().get("/accounts/star/followers", params).json()
        seen += [a["username"] for a in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == [f"fan{i:02d}" for i in reversed(range(25))]


def test_list_limit_is_capped_at_100(api, make_user):
    star = make_user("star")
    for i in range(3):
        services.follow_create(follower=make_user(f"fan{i}"), target=star)
    assert len(api().get("/accounts/star/followers", {"limit": 1000}).json()["items"]) == 3
    assert len(api().get("/accounts/star/followers", {"limit": 0}).json()["items"]) == 1


@pytest.mark.parametrize("cursor", ["garbage", "eyJrIjoiYSJ9", "eyJrIjotMX0", "!!!", "e30"])
def test_garbage_cursor_is_400(api, make_user, cursor):
    make_user("star")
    assert_error(api().get("/accounts/star/followers", {"cursor": cursor}), 400, "invalid_cursor")


def test_limit_must_be_a_number(api, make_user):
    make_user("star")
    assert_error(api().get("/accounts/star/followers", {"limit": "many"}), 422, field="limit")


def test_profile_counts_and_fields(api, make_user):
    star = make_user("star", account_type="business", category="food", city="Dhaka", display_name="স্টার")
    services.follow_create(follower=make_user("fan"), target=star)
    body = api().get("/accounts/Star").json()
    assert body["username"] == "star"
    assert body["display_name"] == "স্টার"
    assert (body["followers_count"], body["following_count"], body["posts_count"]) == (1, 0, 0)
    assert (body["category"], body["city"]) == ("food", "Dhaka")
    assert body["relationship"] == {"following": False, "requested": False, "followed_by": False, "blocking": False}
    assert "email" not in body


def test_follow_button_states_on_the_page(page_client, make_user):
    fan, star, owner = make_user("fan"), make_user("star"), make_user("owner", private=True)
    client = page_client(fan)
    assert 'data-state="none"' in client.get("/star/").content.decode()
    response = client.post("/star/follow/", {"action": "follow"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-state="following"' in response.content.decode()
    assert "<html" not in response.content.decode()  # only the partial
    response = client.post("/owner/follow/", {"action": "follow"})
    assert response.status_code == 302
    assert 'data-state="requested"' in client.get("/owner/").content.decode()
    client.post("/star/follow/", {"action": "unfollow"})
    assert not Follow.objects.filter(follower=fan, target=star).exists()
    assert FollowRequest.objects.filter(requester=fan, target=owner).exists()


def test_requests_page_approves(page_client, make_user):
    fan, owner = make_user("fan"), make_user("owner", private=True)
    services.follow_create(follower=fan, target=owner)
    client = page_client(owner)
    assert "fan" in client.get("/accounts/requests/").content.decode()
    response = client.post("/fan/request/", {"action": "approve"}, headers={"HX-Request": "true"})
    assert 'data-testid="request-done"' in response.content.decode()
    assert Follow.objects.filter(follower=fan, target=owner).exists()
    assert "fan" in client.get("/owner/followers/").content.decode()


def test_remove_follower_page(page_client, make_user):
    fan, star = make_user("fan"), make_user("star")
    services.follow_create(follower=fan, target=star)
    page_client(star).post("/fan/remove-follower/")
    assert counts("star") == (0, 0)


def test_follow_form_works_without_javascript(make_user):
    fan, _ = make_user("fan"), make_user("star")
    client = Client(enforce_csrf_checks=True)
    client.force_login(fan)
    page = client.get("/star/").content.decode()
    form = page.split('class="follow-form"')[1].split("</form>")[0]
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post("/star/follow/", {"csrfmiddlewaretoken": token, "action": "follow", "next": "/star/"})
    assert response.status_code == 302 and response["Location"] == "/star/"
    assert Follow.objects.filter(follower=fan).exists()


def test_swapped_follow_button_keeps_the_page_to_return_to(page_client, make_user):
    fan, _ = make_user("fan"), make_user("star")
    response = page_client(fan).post("/star/follow/", {"action": "follow", "next": "/star/followers/"},
                                     headers={"HX-Request": "true"})
    assert 'name="next" value="/star/followers/"' in response.content.decode()
