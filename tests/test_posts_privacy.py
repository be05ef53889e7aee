"""A private account's post, its likes, comments, media URLs and hashtag page, for every kind of viewer."""

import pytest
from django.test import Client

from tests.posts_helpers import make_post
from vitrina.media import signing
from vitrina.posts import services as post_services
from vitrina.social import services

pytestmark = pytest.mark.django_db
VIEWERS = ["anonymous", "stranger", "requester", "blocked", "follower", "owner"]
ALLOWED = {"follower", "owner"}


@pytest.fixture
def world(make_user):
    owner = make_user("owner", private=True)
    people = {name: make_user(name) for name in ["follower", "stranger", "requester", "blocked"]}
    services.follow_create(follower=people["follower"], target=owner)
    services.follow_request_approve(target=owner, requester=people["follower"])
    services.follow_create(follower=people["requester"], target=owner)
    services.follow_create(follower=people["blocked"], target=owner)
    services.follow_request_approve(target=owner, requester=people["blocked"])
    post = make_post(owner, caption="secret #hiddentag")
    post_services.like_create(user=people["follower"], post=post)
    post_services.comment_create(author=people["follower"], post=post, text="only friends see this")
    services.block_create(blocker=owner, target=people["blocked"])
    return {"owner": owner, "anonymous": None, "post": post, **people}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_post_likes_and_comments_api(world, api, viewer):
    client, post = api(world[viewer]), world["post"]
    expected = 200 if viewer in ALLOWED else 404
    for path in [f"/posts/{post.pk}", f"/posts/{post.pk}/likes", f"/posts/{post.pk}/comments"]:
        response = client.get(path)
        assert response.status_code == expected, path
        if expected == 404:
            assert "only friends" not in response.content.decode()
    if viewer != "anonymous":
        like = client.post(f"/posts/{post.pk}/like")
        assert like.status_code == expected
        comment = client.post(f"/posts/{post.pk}/comments", {"text": "hi"})
        assert comment.status_code == (201 if viewer in ALLOWED else 404)
        assert client.post(f"/posts/{post.pk}/save").status_code == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_media_urls_and_lists(world, api, viewer):
    client = api(world[viewer])
    grid = client.get("/accounts/owner/posts")
    tag = client.get("/hashtags/hiddentag/posts")
    if viewer in ALLOWED:
        [item] = grid.json()["items"]
        assert [p["id"] for p in tag.json()["items"]] == [world["post"].pk]
        url = item["media"][0]["urls"]["1080"]["webp"]
        assert Client().get(url).status_code == 200
    else:
        assert grid.status_code == 404
        # A tag only the private account used answers exactly as a tag nobody used.
        unknown = client.get("/hashtags/nosuchtag/posts")
        assert tag.status_code == unknown.status_code == 404
        assert tag.json() == unknown.json()
        assert "/media/" not in grid.content.decode() + tag.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_post_page(world, page_client, viewer):
    response = page_client(world[viewer]).get(f"/p/{world['post'].pk}/")
    assert response.status_code == (200 if viewer in ALLOWED else 404)
    if viewer not in ALLOWED:
        assert "only friends" not in response.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_hashtag_page(world, page_client, viewer):
    client = page_client(world[viewer])
    response = client.get("/explore/tags/hiddentag/")
    page = response.content.decode()
    assert (f"/p/{world['post'].pk}/" in page) == (viewer in ALLOWED)
    if viewer in ALLOWED:
        count = page.split('data-testid="hashtag-count">')[1].split("<")[0].strip()
        assert count == "1 post"
    else:
        # The same "not found" as a tag nobody used, with no count and no name to give it away.
        unknown = client.get("/explore/tags/nosuchtag/")
        assert response.status_code == unknown.status_code == 404
        def main(html):
            return html.split("<main")[1].split("</main>")[0]

        assert main(page) == main(unknown.content.decode()) and "hiddentag" not in main(page)


def test_media_url_of_a_removed_follower_expires(world, api, settings):
    url = api(world["follower"]).get(f"/posts/{world['post'].pk}").json()["media"][0]["urls"]["320"]["jpg"]
    services.follower_remove(user=world["owner"], follower=world["follower"])
    assert api(world["follower"]).get(f"/posts/{world['post'].pk}").status_code == 404
    # The URL stops working at its expiry (one to two days), not before: checked with a later clock.
    path, query = url.split("?")
    params = dict(pair.split("=") for pair in query.split("&"))
    name = path.removeprefix(settings.MEDIA_URL)
    assert signing.is_valid(name, params["e"], params["s"])
    assert not signing.is_valid(name, params["e"], params["s"], now=int(params["e"]) + 1)
