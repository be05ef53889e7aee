"""Recording: follows and orders from the domain events, cart adds and product views from their pages,
the buffer's way out of the process, and the Redis list."""

import json
from decimal import Decimal

import pytest

from tests.checkout_helpers import add_address, fill_cart, make_seller, place
from vitrina.events import dispatch
from vitrina.insights import recording
from vitrina.insights.models import Hit, Kind
from vitrina.social import services as social


def test_follows_and_unfollows_are_counted_with_their_source(make_user):
    brand, ann, bob = make_user("lumen", account_type="business"), make_user("ann"), make_user("bob")
    social.follow_create(follower=ann, target=brand, source="search")
    social.follow_create(follower=bob, target=brand, source="made-up")  # an unknown source is dropped
    social.follow_delete(follower=ann, target=brand, source="profile")
    dispatch.deliver()
    assert sorted(Hit.objects.values_list("kind", "account_id", "viewer_id", "source")) == sorted([
        (Kind.FOLLOW, brand.pk, ann.pk, "search"), (Kind.FOLLOW, brand.pk, bob.pk, ""),
        (Kind.UNFOLLOW, brand.pk, ann.pk, "profile")])
    dispatch.deliver()  # nothing applied twice
    assert Hit.objects.count() == 3


def test_with_recording_switched_off_nothing_is_counted(make_user, page_client, settings):
    settings.INSIGHTS_RECORD = False
    brand, ann = make_user("lumen", account_type="business"), make_user("ann")
    social.follow_create(follower=ann, target=brand, source="search")
    assert page_client(ann).get("/lumen/").status_code == 200  # a profile visit
    recording.hit(kind=Kind.POST_VIEW, account_id=brand.pk, viewer_id=ann.pk, post_id=1)
    assert recording.pending() == 0
    dispatch.deliver()
    recording.flush()
    assert not Hit.objects.exists()
    settings.INSIGHTS_RECORD = True  # the same visit counts again once switched on
    page_client(ann).get("/lumen/")
    recording.flush()
    assert list(Hit.objects.values_list("kind", "viewer_id")) == [(Kind.PROFILE_VISIT, ann.pk)]


def test_the_follow_form_sends_its_source(make_user, page_client):
    make_user("lumen", account_type="business")
    ann = make_user("ann")
    page_client(ann).post("/lumen/follow/", {"action": "follow", "source": "profile"})
    dispatch.deliver()
    assert list(Hit.objects.values_list("kind", "viewer_id", "source")) == [(Kind.FOLLOW, ann.pk, "profile")]


def test_a_placed_order_counts_with_its_total_and_currency(make_user, django_capture_on_commit_callbacks):
    seller, variant = make_seller(make_user, "lumen", currency="BDT", price="250.50")
    buyer = make_user("ann")
    add_address(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        fill_cart(buyer, variant, 2)
    order = place(buyer, seller)
    dispatch.deliver()
    recording.flush()
    rows = sorted(Hit.objects.values_list("kind", "account_id", "viewer_id", "amount", "currency"))
    assert rows == [(Kind.ADD_TO_CART, seller.pk, buyer.pk, None, ""),
                    (Kind.ORDER, seller.pk, buyer.pk, Decimal("501.000"), "BDT")]
    assert order.total == Decimal("501.00")


def test_the_product_page_counts_a_view_and_a_tag_tap(make_user, page_client):
    seller, variant = make_seller(make_user, "lumen")
    ann = make_user("ann")
    url = variant.product.get_absolute_url()
    page_client(ann).get(url + "?via=tag")
    page_client(seller).get(url)  # the owner's own look
    recording.flush()
    assert sorted(Hit.objects.values_list("kind", "viewer_id", "product_id")) == [
        (Kind.TAG_TAP, ann.pk, variant.product_id), (Kind.PRODUCT_VIEW, ann.pk, variant.product_id)]


@pytest.mark.django_db
def test_a_small_fresh_buffer_waits_and_a_full_one_leaves_at_the_end_of_a_request(settings):
    settings.REDIS_URL = ""
    recording.hit(kind=Kind.PROFILE_VISIT, account_id=1, viewer_id=2)
    recording.request_done()
    assert recording.pending() == 1 and not Hit.objects.exists()
    for viewer in range(3, 3 + recording.FLUSH_SIZE):
        recording.hit(kind=Kind.PROFILE_VISIT, account_id=1, viewer_id=viewer)
    recording.request_done()
    assert recording.pending() == 0
    assert Hit.objects.count() == 1 + recording.FLUSH_SIZE  # written by the request, without Redis


@pytest.mark.django_db
def test_an_old_buffer_leaves_at_the_end_of_a_request(settings, monkeypatch):
    recording.hit(kind=Kind.PROFILE_VISIT, account_id=1, viewer_id=2)
    settings.INSIGHTS_FLUSH_SECONDS = 0
    recording.request_done()
    assert recording.pending() == 0
    recording.flush()
    assert Hit.objects.filter(account_id=1).count() == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_with_redis_the_web_process_pushes_to_a_list_and_the_drain_writes(settings):
    settings.INSIGHTS_FLUSH_SECONDS = 0
    client, key = recording._redis()
    assert client is not None
    recording.hit(kind=Kind.POST_VIEW, account_id=1, viewer_id=2, post_id=3, source="feed")
    recording.hit(kind=Kind.POST_VIEW, account_id=1, viewer_id=2, post_id=3, source="feed")
    recording.request_done()
    assert client.llen(key) == 2 and not Hit.objects.exists()  # nothing written by the web process
    assert json.loads(client.lindex(key, 0))[:6] == [1, 1, 2, 3, None, "feed"]
    from vitrina.insights.tasks import insights_drain

    insights_drain.call()
    assert client.llen(key) == 0
    assert Hit.objects.count() == 1  # the same view in the same hour, once


@pytest.mark.redis
@pytest.mark.django_db
def test_flush_writes_the_buffer_and_the_redis_list(settings):
    client, key = recording._redis()
    for viewer in range(2, 2 + recording.DRAIN_BATCH + 7):
        recording.hit(kind=Kind.PROFILE_VISIT, account_id=1, viewer_id=viewer)
    assert recording.flush() == recording.DRAIN_BATCH + 7
    assert client.llen(key) == 0 and Hit.objects.count() == recording.DRAIN_BATCH + 7


@pytest.mark.django_db
def test_the_periodic_jobs_drain_fold_and_prune(make_user):
    from vitrina.core.scheduler import JOBS
    from vitrina.insights.models import AccountDay
    from vitrina.insights.tasks import insights_fold, insights_prune

    assert {"insights.drain", "insights.fold", "insights.prune"} <= set(JOBS)
    brand, ann = make_user("lumen", account_type="business"), make_user("ann")
    recording.hit(kind=Kind.PROFILE_VISIT, account_id=brand.pk, viewer_id=ann.pk, source="profile")
    insights_fold.call()  # writes what waits, then folds today and yesterday
    assert AccountDay.objects.get(account_id=brand.pk, day=Hit.objects.get().created_at.date()).profile_visits == 1
    insights_prune.call()
    assert Hit.objects.count() == 1  # today's hit is kept


def test_yesterday_is_folded_until_its_late_hits_are_in_and_then_left_alone(make_user, monkeypatch):
    """A finished day is folded once more after LATE_HITS, then never again by the quarter-hourly job."""
    from datetime import UTC, datetime, timedelta

    from django.core.cache import cache

    from vitrina.insights import services

    cache.delete(services.FINAL_KEY)
    folded = []
    monkeypatch.setattr(services, "fold_day", folded.append)
    midnight = datetime(2026, 12, 3, tzinfo=UTC)
    yesterday, today = midnight.date() - timedelta(days=1), midnight.date()
    services.fold_recent(now=midnight + timedelta(minutes=15))  # late hits may still come
    services.fold_recent(now=midnight + timedelta(minutes=59))
    services.fold_recent(now=midnight + services.LATE_HITS)  # the last fold of yesterday
    services.fold_recent(now=midnight + timedelta(hours=2))
    services.fold_recent(now=midnight + timedelta(hours=23))
    assert folded == [yesterday, today, yesterday, today, yesterday, today, today, today]
    cache.delete(services.FINAL_KEY)  # forgotten (a cache emptied): folded once more, harmlessly
    services.fold_recent(now=midnight + timedelta(hours=23, minutes=15))
    assert folded[-2:] == [yesterday, today]
    services.fold_recent(now=midnight + timedelta(days=1, minutes=15))  # the next day: today's yesterday
    assert folded[-2:] == [today, today + timedelta(days=1)]


def test_a_batch_is_written_as_given_and_a_repeated_view_in_it_once(make_user):
    """write_rows on each database (one statement over arrays on PostgreSQL): every column as the buffer
    holds it, the hour and the time from the epoch seconds, a view repeated within the batch and the hour
    dropped, one in the next hour kept."""
    from datetime import UTC, datetime

    shop, ann = make_user("lumen", account_type="business"), make_user("ann")
    at = datetime(2026, 12, 3, 10, 15, 30, 250000, tzinfo=UTC).timestamp()
    view = (int(Kind.POST_VIEW), shop.pk, ann.pk, 77, None, "feed", None, "", at)
    written = recording.write_rows([
        view, view[:-1] + (at + 60,), view[:-1] + (at + 3600,), (int(Kind.POST_VIEW), shop.pk, None, 77, None, "feed",
                                                                  None, "", at),
        (int(Kind.ORDER), shop.pk, ann.pk, None, None, "shop", "1500.5", "KWD", at),
        [int(Kind.TAG_TAP), shop.pk, ann.pk, None, 9, "post", None, "", at],  # as the Redis list gives it back
    ])
    assert written == 6
    rows = sorted(Hit.objects.values_list("kind", "viewer_id", "post_id", "product_id", "source", "amount", "currency",
                                          "hour", "created_at"), key=lambda r: (r[0], r[7], r[1] or 0))
    hour = int(at // 3600)
    assert rows == [
        (Kind.POST_VIEW, None, 77, None, "feed", None, "", hour, datetime.fromtimestamp(at, UTC)),
        (Kind.POST_VIEW, ann.pk, 77, None, "feed", None, "", hour, datetime.fromtimestamp(at, UTC)),
        (Kind.POST_VIEW, ann.pk, 77, None, "feed", None, "", hour + 1, datetime.fromtimestamp(at + 3600, UTC)),
        (Kind.TAG_TAP, ann.pk, None, 9, "post", None, "", hour, datetime.fromtimestamp(at, UTC)),
        (Kind.ORDER, ann.pk, None, None, "shop", Decimal("1500.500"), "KWD", hour, datetime.fromtimestamp(at, UTC)),
    ]
