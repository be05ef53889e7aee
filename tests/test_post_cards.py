import json
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.posts_helpers import make_post
from vitrina.posts import cards, native_json
from vitrina.posts import services as post_services
from vitrina.posts.models import PostMedia
from vitrina.posts.schemas import MediaOut, PostOut
from vitrina.social import services as social
from vitrina.social.visibility import posts_checked

pytestmark = pytest.mark.django_db

READER_FIELDS = {"author", "like_count", "comment_count", "liked_by_me", "saved_by_me"}


def rows_of(*posts):
    found = cards.fresh_rows(posts_checked([post.pk for post in posts]))
    return [found[post.pk] for post in posts]


def media_queries(queries) -> int:
    return sum(PostMedia._meta.db_table in query["sql"] for query in queries)


@pytest.fixture
def post(make_user):
    author = make_user("author", display_name="Author")
    make_user("bob")  # mentioned
    return make_post(author, caption="Dawn at the #harbor with @bob", photos=("Canon_40D.jpg", "Nikon_D70.jpg"))


def test_a_card_is_plain_data_named_after_the_models(post):
    card = cards.cards_of(rows_of(post))[post.pk]
    assert set(card) == {"id", "caption", "location", "hashtags", "mentions", "media", "comments_enabled",
                         "product_tags", "created_at", "updated_at", "path"}
    assert (card["hashtags"], card["mentions"], len(card["media"])) == (["harbor"], ["bob"], 2)
    assert set(card["media"][0]) == {"id", "width", "height", "blurhash", "alt_text", "urls"}

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(map(plain, value))
        return isinstance(value, str | int | float | bool | datetime)

    assert plain(card)


def test_a_card_built_once_serves_every_reader(api, make_user, post):
    readers = [make_user("ann"), make_user("cy")]
    for reader in readers:
        social.follow_create(follower=reader, target=post.author)
    post_services.like_create(user=readers[0], post=post)
    with CaptureQueriesContext(connection) as first:
        seen_first = api(readers[0]).get("/feed").json()["items"]
    with CaptureQueriesContext(connection) as second:
        seen_second = api(readers[1]).get("/feed").json()["items"]
    assert media_queries(first.captured_queries) == 1  # the card, built from the models
    assert media_queries(second.captured_queries) == 0  # the same card, from the cache
    assert (seen_first[0]["liked_by_me"], seen_second[0]["liked_by_me"]) == (True, False)
    assert seen_second[0]["like_count"] == 1
    assert seen_first == [api(readers[0]).get(f"/posts/{post.pk}").json()]
    assert seen_second == [api(readers[1]).get(f"/posts/{post.pk}").json()]


def test_reader_fields_are_never_cached(api, make_user, post):
    reader = make_user("ann")
    social.follow_create(follower=reader, target=post.author)
    post_services.like_create(user=reader, post=post)
    post_services.save_create(user=reader, post=post)
    client = api(reader)
    client.get("/feed")
    rows = rows_of(post)
    assert not READER_FIELDS & set(cards.cards_of(rows)[post.pk])
    stable = cards.renderings(rows, api=native_json.CACHE_NAME, render=native_json.stable_part)[post.pk]
    assert not READER_FIELDS & set(json.loads(stable + "}"))
    # Counters, marks and the author's profile change; the cached card stays, the page follows.
    post_services.like_delete(user=reader, post=post)
    post_services.save_delete(user=reader, post=post)
    social.account_update(user=post.author, data={"display_name": "Renamed"})
    with CaptureQueriesContext(connection) as read:
        item = client.get("/feed").json()["items"][0]
    assert media_queries(read.captured_queries) == 0
    assert (item["like_count"], item["liked_by_me"], item["saved_by_me"]) == (0, False, False)
    assert item["author"]["display_name"] == "Renamed"


def test_two_apis_render_one_cached_card(post):
    rows = rows_of(post)
    native = cards.renderings(rows, api=native_json.CACHE_NAME, render=native_json.stable_part)
    with CaptureQueriesContext(connection) as second_api:
        other = cards.renderings(rows, api="other1", render=lambda card: f"{card['id']}:{card['caption']}")
    assert second_api.captured_queries == []  # rendered from the cached card, not the models
    assert other == {post.pk: f"{post.pk}:Dawn at the #harbor with @bob"}
    assert json.loads(native[post.pk] + "}")["caption"] == "Dawn at the #harbor with @bob"
    # Each API's rendering is kept: read again, neither is rendered anew.
    assert cards.renderings(rows, api="other1", render=lambda card: "rendered again") == other


def test_native_cards_keep_the_api_field_order(api, post):
    page = api(post.author).get("/feed").content.decode()
    item = json.loads(page)["items"][0]
    assert list(item) == ["id", "caption", "location", "hashtags", "mentions", "media", "comments_enabled",
                          "product_tags", "created_at", "url", "author", "like_count", "comment_count",
                          "liked_by_me", "saved_by_me"]
    assert set(item) == set(PostOut.model_fields)
    assert list(item["media"][0]) == list(MediaOut.model_fields)
    assert page.startswith('{"items":[{"id":') and page.endswith('"next_cursor":null}')


def test_a_card_rendered_natively_equals_the_post_schema(make_user, post):
    # Cards are built from plain rows (cards_built), the schema from model objects (with_details):
    # every field of a rich post must come out the same, media in carousel order.
    from vitrina.posts.models import Post
    from vitrina.posts.selectors import mark_for_viewer, with_details

    Post.objects.filter(pk=post.pk).update(location="Lisbon", comments_enabled=False)
    first, second = post.media.order_by("position")
    PostMedia.objects.filter(pk=second.pk).update(alt_text="a boat")
    row = rows_of(post)[0]
    native = json.loads(cards.post_json(viewer=None, row=row))
    model = mark_for_viewer([with_details(Post.objects.filter(pk=post.pk)).get()], None)[0]
    assert native == json.loads(native_json.to_json(PostOut.from_orm(model).model_dump()))
    assert [m["id"] for m in native["media"]] == [first.pk, second.pk] and native["media"][1]["alt_text"] == "a boat"
    assert (native["location"], native["comments_enabled"], native["mentions"]) == ("Lisbon", False, ["bob"])
