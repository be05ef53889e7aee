"""The insights page, its CSV, /me/insights, the post-view beacon and the website redirect."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from tests.conftest import assert_error
from vitrina.accounts.models import Block, User
from vitrina.insights import recording, services
from vitrina.insights.models import Hit, Kind
from vitrina.posts.models import Post

DAY = timezone.now().astimezone(UTC).date()


@pytest.fixture
def shop(make_user):
    return make_user("lumen", account_type="business", website="https://lumen.example/shop")


def _views(shop, *viewers):
    post = Post.objects.create(author=shop, caption="Linen")
    for viewer in viewers:
        recording.hit(kind=Kind.POST_VIEW, account_id=shop.pk, viewer_id=viewer.pk, post_id=post.pk, source="feed")
    recording.flush()
    services.fold_day(DAY)
    return post


def test_the_page_shows_the_numbers_and_charts(shop, make_user, page_client):
    _views(shop, make_user("ann"), make_user("bob"))
    response = page_client(shop).get("/insights/?days=7")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="card-views"' in html and 'data-testid="views-chart"' in html
    assert response.context["data"].current.views == 2 and response.context["data"].current.reach == 2
    assert 'data-testid="audience-hidden"' in html  # 0 followers < 100
    assert "<polyline" in html


@pytest.mark.parametrize("days", ["5", "abc", "", "-7", "9" * 40, "28.0"])
def test_other_days_fall_back_to_28(shop, page_client, days):
    response = page_client(shop).get("/insights/", {"days": days})
    assert response.status_code == 200 and response.context["data"].days == 28


def test_personal_accounts_get_403_and_visitors_log_in(make_user, page_client):
    assert page_client(make_user("ann")).get("/insights/").status_code == 403
    assert page_client(make_user("ann2")).get("/insights/export.csv").status_code == 403
    response = page_client().get("/insights/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_csv_has_a_row_a_day(shop, make_user, page_client):
    _views(shop, make_user("ann"))
    response = page_client(shop).get("/insights/export.csv?days=7")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "day,views,reach,interactions,follows,unfollows,followers"
    assert len(lines) == 8
    assert lines[-1].startswith(f"{DAY.isoformat()},1,1,0,0,0,")


def test_api_gives_the_page_numbers(shop, make_user, api):
    _views(shop, make_user("ann"), make_user("bob"))
    response = api(shop).get("/me/insights?days=7")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["days"] == 7 and body["account"] == "lumen"
    assert (body["current"]["views"], body["current"]["reach"], body["current"]["frequency"]) == (2, 2, 1.0)
    assert body["audience"] is None and body["audience_min_followers"] == 100
    assert len(body["series"]) == 7 and body["series"][-1]["views"] == 2
    assert [s["step"] for s in body["funnel"]] == ["tag_taps", "product_views", "add_to_cart", "orders"]


def test_api_refuses_other_days_personal_accounts_and_visitors(shop, make_user, api):
    assert_error(api(shop).get("/me/insights?days=30"), 422, "invalid", "days")
    assert_error(api(shop).get("/me/insights?days=abc"), 422, "invalid")
    assert_error(api(make_user("ann")).get("/me/insights"), 403, "forbidden")
    assert_error(api().get("/me/insights"), 401)


def test_own_profile_and_settings_link_to_insights(shop, make_user, page_client):
    client = page_client(shop)
    assert 'data-testid="insights-link"' in client.get("/lumen/").content.decode()
    assert 'data-testid="settings-insights"' in client.get("/accounts/settings/").content.decode()
    personal = page_client(make_user("ann"))
    assert 'data-testid="insights-link"' not in personal.get("/ann/").content.decode()


# --- Recorded on pages ----------------------------------------------------------------------------


def test_profile_visits_count_others_not_oneself(shop, make_user, page_client):
    page_client(shop).get("/lumen/")
    page_client(make_user("ann")).get("/lumen/")
    page_client().get("/lumen/")
    recording.flush()
    assert sorted(Hit.objects.filter(kind=Kind.PROFILE_VISIT).values_list("viewer_id", flat=True),
                  key=lambda v: v or 0) == [None, User.objects.get(username="ann").pk]


def test_the_post_page_records_a_view(shop, make_user, page_client):
    post = Post.objects.create(author=shop, caption="Linen")
    ann = make_user("ann")
    assert page_client(ann).get(f"/p/{post.pk}/").status_code == 200
    recording.flush()
    assert list(Hit.objects.values_list("kind", "viewer_id", "post_id", "source")) == [
        (Kind.POST_VIEW, ann.pk, post.pk, "post")]


# --- The beacon ---------------------------------------------------------------------------------


def _seen(client, posts, source="feed"):
    return client.post("/insights/seen", {"posts": posts, "source": source})


def test_the_beacon_records_visible_posts_and_ignores_others(shop, make_user, page_client):
    ann = make_user("ann")
    private = make_user("hidden", private=True)
    blocker = make_user("blocker")
    seen = Post.objects.create(author=shop)
    secret = Post.objects.create(author=private)
    blocked = Post.objects.create(author=blocker)
    Block.objects.create(blocker=blocker, blocked=ann)
    response = _seen(page_client(ann), f"{seen.pk},{secret.pk},{blocked.pk},999999")
    assert response.status_code == 204
    recording.flush()
    assert list(Hit.objects.values_list("post_id", "account_id", "viewer_id", "source")) == [
        (seen.pk, shop.pk, ann.pk, "feed")]


@pytest.mark.parametrize("posts,source", [
    ("1,abc", "feed"), ("1.5", "feed"), ("-1", "feed"), ("", "feed"), ("0", "feed"),
    (",".join(["1"] * 101), "feed"), ("9" * 30, "feed"), ("1", "timeline"), ("1", ""), ("1 OR 1=1", "feed"),
])
def test_the_beacon_refuses_crafted_input_and_writes_nothing(shop, make_user, page_client, posts, source):
    post = Post.objects.create(author=shop)
    posts = posts.replace("1", str(post.pk), 1) if posts.startswith("1") else posts
    response = _seen(page_client(make_user("ann")), posts, source)
    assert_error(response, 422, "invalid")
    recording.flush()
    assert not Hit.objects.exists()


def test_the_beacon_is_rate_limited_per_account_and_per_address(shop, make_user, page_client, settings):
    """Signed-out views have no viewer to count once an hour, so one address cannot repeat them forever."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "seen": [(2, 60)]}
    post = Post.objects.create(author=shop)
    visitor = page_client()
    assert [_seen(visitor, str(post.pk)).status_code for _ in range(2)] == [204, 204]
    refused = _seen(visitor, str(post.pk))
    assert_error(refused, 429, "rate_limited")
    assert int(refused["Retry-After"]) >= 1
    ann = page_client(make_user("ann"))  # an account has its own allowance
    assert _seen(ann, str(post.pk)).status_code == 204
    recording.flush()
    assert sorted(Hit.objects.values_list("viewer_id", flat=True), key=lambda v: v or 0) == [
        None, None, User.objects.get(username="ann").pk]


def test_the_beacon_needs_post_and_csrf(shop, make_user, client):
    from django.test import Client

    assert client.get("/insights/seen").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("ann"))
    assert strict.post("/insights/seen", {"posts": "1", "source": "feed"}).status_code == 403


# --- The website redirect -----------------------------------------------------------------------


def test_website_redirect_goes_only_to_the_accounts_own_website(shop, make_user, page_client):
    ann = make_user("ann")
    response = page_client(ann).get("/insights/out/lumen", {"next": "https://evil.example", "url": "//evil"})
    assert response.status_code == 302 and response["Location"] == "https://lumen.example/shop"
    recording.flush()
    assert list(Hit.objects.values_list("kind", "viewer_id")) == [(Kind.WEBSITE_TAP, ann.pk)]


def test_website_redirect_is_404_without_a_website_or_for_hidden_accounts(shop, make_user, page_client):
    make_user("plain")
    assert page_client().get("/insights/out/plain").status_code == 404
    assert page_client().get("/insights/out/nobody").status_code == 404
    ann = make_user("ann")
    Block.objects.create(blocker=shop, blocked=ann)
    assert page_client(ann).get("/insights/out/lumen").status_code == 404
    User.objects.filter(pk=shop.pk).update(website="javascript:alert(1)")
    assert page_client().get("/insights/out/lumen").status_code == 404
    recording.flush()
    assert not Hit.objects.exists()


def test_the_profile_links_its_website_through_the_redirect(shop, page_client):
    html = page_client().get("/lumen/").content.decode()
    assert 'href="/insights/out/lumen"' in html


def test_old_days_are_folded_again_the_same(shop, make_user):
    ann = make_user("ann")
    _views(shop, ann)
    services.fold_day(DAY - timedelta(days=3))  # an empty day folds to rows of zeros, not an error
    assert services.fold_day(DAY)[0] >= 1
