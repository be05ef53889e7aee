"""Phone apps count in insights as pages do: a profile or a post opened through the API, a product (and
a tap on its tag), and the posts an app showed on screen, reported to POST /insights/seen."""

import pytest

from tests.conftest import assert_error
from tests.shop_tags_helpers import make_product
from vitrina.accounts.models import Block, User
from vitrina.insights import recording
from vitrina.insights.models import Hit, Kind
from vitrina.posts.models import Post


@pytest.fixture
def shop(make_user):
    return make_user("lumen", account_type="business")


def _hits():
    recording.flush()
    return list(Hit.objects.order_by("pk").values_list("kind", "account_id", "viewer_id", "post_id", "source"))


def test_opening_a_profile_counts_a_visit_by_others_and_signed_out_readers(shop, make_user, api):
    ann = make_user("ann")
    assert api(ann).get("/accounts/lumen").status_code == 200
    assert api().get("/accounts/lumen").status_code == 200
    assert api(shop).get("/accounts/lumen").status_code == 200  # one's own: not counted
    assert _hits() == [(Kind.PROFILE_VISIT, shop.pk, ann.pk, None, "profile"),
                       (Kind.PROFILE_VISIT, shop.pk, None, None, "profile")]


def test_opening_a_post_counts_a_view_and_a_hidden_post_counts_nothing(shop, make_user, api):
    ann = make_user("ann")
    post = Post.objects.create(author=shop, caption="Linen")
    secret = Post.objects.create(author=make_user("hidden", private=True))
    assert api(ann).get(f"/posts/{post.pk}").json()["id"] == post.pk
    assert_error(api(ann).get(f"/posts/{secret.pk}"), 404)
    assert_error(api(ann).get("/posts/999999"), 404)
    assert _hits() == [(Kind.POST_VIEW, shop.pk, ann.pk, post.pk, "post")]


def test_a_blocked_reader_opens_nothing_and_counts_nothing(shop, make_user, api):
    ann = make_user("ann")
    post = Post.objects.create(author=shop)
    Block.objects.create(blocker=shop, blocked=ann)
    assert_error(api(ann).get("/accounts/lumen"), 404)
    assert_error(api(ann).get(f"/posts/{post.pk}"), 404)
    assert _hits() == []


def test_opening_a_product_counts_a_view_and_a_tag_tap_when_it_came_from_a_tag(shop, make_user, api):
    product = make_product(shop)
    ann = api(make_user("ann"))
    assert ann.get(f"/shop/products/{product.pk}").status_code == 200
    assert ann.get(f"/shop/products/{product.pk}", {"via": "tag"}).status_code == 200
    assert api(shop).get(f"/shop/products/{product.pk}", {"via": "tag"}).status_code == 200  # the owner's own
    recording.flush()
    rows = list(Hit.objects.order_by("pk").values_list("kind", "product_id", "source"))
    assert rows == [(Kind.PRODUCT_VIEW, product.pk, "shop"), (Kind.TAG_TAP, product.pk, "post"),
                    (Kind.PRODUCT_VIEW, product.pk, "shop")]


# --- POST /insights/seen ------------------------------------------------------------------------


def test_seen_counts_the_posts_the_reader_may_see_and_ignores_the_rest(shop, make_user, api):
    ann = make_user("ann")
    blocker = make_user("blocker")
    seen = Post.objects.create(author=shop)
    other = Post.objects.create(author=shop)
    secret = Post.objects.create(author=make_user("hidden", private=True))
    blocked = Post.objects.create(author=blocker)
    own = Post.objects.create(author=ann)
    Block.objects.create(blocker=blocker, blocked=ann)
    response = api(ann).post("/insights/seen", {"posts": [seen.pk, other.pk, secret.pk, blocked.pk, own.pk, 999999],
                                                "source": "explore"})
    assert response.status_code == 204 and response.content == b""
    assert sorted(_hits()) == [(Kind.POST_VIEW, shop.pk, ann.pk, pk, "explore") for pk in (seen.pk, other.pk)]


def test_a_visits_worth_is_one_report(shop, make_user, api):
    posts = [Post.objects.create(author=shop).pk for _ in range(100)]
    assert api(make_user("ann")).post("/insights/seen", {"posts": posts, "source": "feed"}).status_code == 204
    assert sorted(row[3] for row in _hits()) == posts


def test_seen_twice_within_the_hour_counts_once(shop, make_user, api):
    ann = api(make_user("ann"))
    post = Post.objects.create(author=shop)
    for _ in range(3):
        assert ann.post("/insights/seen", {"posts": [post.pk], "source": "feed"}).status_code == 204
    assert len(_hits()) == 1


def test_seen_needs_an_account(shop, api):
    post = Post.objects.create(author=shop)
    assert_error(api().post("/insights/seen", {"posts": [post.pk], "source": "hashtag"}), 401, "unauthenticated")
    assert _hits() == []


POST = object()  # stands for the id of a post the reader may see


@pytest.mark.parametrize("posts,source", [
    (["POST"], "feed"), ([1.0], "feed"), ([True], "feed"), ([0], "feed"), ([-1], "feed"), ([], "feed"),
    ([POST] * 101, "feed"), ([2**63], "feed"), ([10**30], "feed"), ([POST], "timeline"), ([POST], ""),
    ([POST], ["feed"]), ([POST], None), (None, "feed"), ("1,2", "feed"), ([[1]], "feed"), ([{"id": 1}], "feed"),
])
def test_seen_refuses_crafted_input_and_records_nothing(shop, make_user, api, posts, source):
    post = Post.objects.create(author=shop)
    body = {"posts": [post.pk if p is POST else str(post.pk) if p == "POST" else p for p in posts]
            if isinstance(posts, list) else posts, "source": source}
    body = {k: v for k, v in body.items() if v is not None}
    assert_error(api(make_user("ann")).post("/insights/seen", body), 422)
    assert _hits() == []


def test_seen_is_rate_limited_per_account(shop, make_user, api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "seen": [(2, 60)]}
    first, second = Post.objects.create(author=shop), Post.objects.create(author=shop)
    ann = make_user("ann")
    client = api(ann)
    assert [client.post("/insights/seen", {"posts": [pk], "source": "feed"}).status_code
            for pk in (first.pk, second.pk)] == [204, 204]
    refused = client.post("/insights/seen", {"posts": [first.pk], "source": "feed"})
    assert_error(refused, 429, "rate_limited")
    assert int(refused["Retry-After"]) >= 1
    bob = make_user("bob")  # another account has its own allowance
    assert api(bob).post("/insights/seen", {"posts": [first.pk], "source": "feed"}).status_code == 204
    assert sorted(row[2:4] for row in _hits()) == sorted([(ann.pk, first.pk), (ann.pk, second.pk), (bob.pk, first.pk)])


def test_seen_from_a_browser_session_needs_the_csrf_token(shop, make_user):
    from django.test import Client

    post = Post.objects.create(author=shop)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("ann"))
    response = strict.post("/api/vitrina/v1/insights/seen", {"posts": [post.pk], "source": "feed"},
                           content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    assert _hits() == []


def test_a_bad_token_is_401_not_a_signed_out_view(shop, api):
    from tests.conftest import ApiClient

    post = Post.objects.create(author=shop)
    response = ApiClient("not-a-token").post("/insights/seen", {"posts": [post.pk], "source": "feed"})
    assert_error(response, 401)
    assert _hits() == []


def test_with_recording_off_seen_answers_and_counts_nothing(shop, make_user, api, settings):
    settings.INSIGHTS_RECORD = False
    post = Post.objects.create(author=shop)
    ann = api(make_user("ann"))
    assert ann.post("/insights/seen", {"posts": [post.pk], "source": "feed"}).status_code == 204
    assert_error(ann.post("/insights/seen", {"posts": [post.pk], "source": "nowhere"}), 422)
    assert ann.get(f"/posts/{post.pk}").status_code == 200
    assert ann.get("/accounts/lumen").status_code == 200
    assert _hits() == []
    assert User.objects.filter(username="lumen").exists()
