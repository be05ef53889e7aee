"""A hashtag tells nobody about posts they may not see: not its page, not its count, not search."""

import pytest

from tests.posts_helpers import make_post
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_tag(make_user):
    owner = make_user("owner", private=True)
    make_post(owner, caption="#onlyus")
    return owner


def test_tag_used_only_by_a_private_account_is_not_found_like_an_unknown_one(api, make_user, private_tag):
    stranger = make_user("stranger")
    for client in (api(), api(stranger)):
        for cursor in ({}, {"cursor": "MTAw"}):
            hidden = client.get("/hashtags/onlyus/posts", cursor)
            unknown = client.get("/hashtags/nobodyusedthis/posts", cursor)
            assert hidden.status_code == unknown.status_code == 404
            assert hidden.json() == unknown.json()
    assert api(private_tag).get("/hashtags/onlyus/posts").status_code == 200


def test_tag_page_of_a_private_only_tag_is_404_also_with_a_cursor(page_client, make_user, private_tag):
    for client in (page_client(), page_client(make_user("stranger"))):
        assert client.get("/explore/tags/onlyus/").status_code == 404
        assert client.get("/explore/tags/onlyus/?cursor=MTAw").status_code == 404
    assert page_client(private_tag).get("/explore/tags/onlyus/").status_code == 200


def test_tag_hidden_by_a_block_is_not_found(api, make_user):
    author, viewer = make_user("author"), make_user("viewer")
    make_post(author, caption="#blockedtag")
    assert api(viewer).get("/hashtags/blockedtag/posts").status_code == 200
    social.block_create(blocker=author, target=viewer)
    assert api(viewer).get("/hashtags/blockedtag/posts").status_code == 404


def test_tag_count_counts_only_what_the_viewer_may_see(api, make_user, private_tag):
    make_post(make_user("public"), caption="#onlyus too")
    assert api().get("/hashtags/onlyus/posts").json()["hashtag"]["post_count"] == 1
    assert api(private_tag).get("/hashtags/onlyus/posts").json()["hashtag"]["post_count"] == 2


def test_hashtag_search_hits_carry_no_count(api, make_user, private_tag):
    # Two private posts and one public one: a count of 3 (or any count) would tell of the private ones.
    make_post(private_tag, caption="#onlyus again")
    make_post(make_user("public"), caption="#onlyus too")
    response = api(make_user("stranger")).get("/search", {"q": "only", "type": "hashtags"})
    assert response.json()["items"] == [{"name": "onlyus"}]


def test_hashtag_search_page_shows_no_count(page_client, make_user, private_tag):
    make_post(private_tag, caption="#onlyus again")
    make_post(make_user("public"), caption="#onlyus too")
    page = page_client().get("/explore/search/", {"q": "only", "type": "hashtags"}).content.decode()
    assert "#onlyus" in page
    assert "3 posts" not in page and "1 post" not in page
