"""Insights' metric definitions on small hand-made data, with exact numbers: the fold of a day and the
selector over 7 days (vitrina.insights.services and selectors)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from vitrina.accounts.models import Block, User
from vitrina.core.errors import Forbidden
from vitrina.insights import recording, selectors, services
from vitrina.insights.models import AccountDay, Hit, Kind, PostDay
from vitrina.posts.models import Comment, Like, Post, Save

TODAY = timezone.now().astimezone(UTC).date()
DAY = TODAY - timedelta(days=1)


def at(hour: int, minute: int = 0) -> float:
    """A time on DAY, as recording keeps it (seconds since the epoch)."""
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=UTC).timestamp()


def row(kind, account, viewer=None, *, post=None, product=None, when=None, source="", amount=None, currency=""):
    return (int(kind), account.pk, viewer.pk if viewer else None, post.pk if post else None, product, source,
            amount, currency, when if when is not None else at(10))


def dated(obj, hour=12):
    type(obj).objects.filter(pk=obj.pk).update(created_at=datetime.fromtimestamp(at(hour), UTC))


@pytest.fixture
def world(make_user):
    shop = make_user("lumen", account_type="business", city="Dhaka")
    a, b, c = make_user("ann"), make_user("bob"), make_user("cy")
    p1 = Post.objects.create(author=shop, caption="First")
    p2 = Post.objects.create(author=shop, caption="Second")
    return shop, a, b, c, p1, p2


def _record_day(shop, a, b, c, p1, p2):
    recording.write_rows([
        # p1: ann twice in one hour (once), again the next hour, bob, two signed-out visitors.
        row(Kind.POST_VIEW, shop, a, post=p1, when=at(10, 5)),
        row(Kind.POST_VIEW, shop, a, post=p1, when=at(10, 50)),
        row(Kind.POST_VIEW, shop, a, post=p1, when=at(11, 5)),
        row(Kind.POST_VIEW, shop, b, post=p1),
        row(Kind.POST_VIEW, shop, None, post=p1),
        row(Kind.POST_VIEW, shop, None, post=p1),
        row(Kind.POST_VIEW, shop, c, post=p2),
        row(Kind.PROFILE_VISIT, shop, a), row(Kind.PROFILE_VISIT, shop, b),
        row(Kind.WEBSITE_TAP, shop, a),
        *[row(Kind.TAG_TAP, shop, v, product=7) for v in (a, b, c, a)],
        *[row(Kind.PRODUCT_VIEW, shop, v, product=7) for v in (a, b, c)],
        row(Kind.ADD_TO_CART, shop, a, product=7), row(Kind.ADD_TO_CART, shop, b, product=7),
        row(Kind.ORDER, shop, a, amount="1500.000", currency="RUB"),
        row(Kind.ORDER, shop, b, amount="20.500", currency="USD"),
        row(Kind.FOLLOW, shop, a, source="post"), row(Kind.FOLLOW, shop, b, source="search"),
        row(Kind.UNFOLLOW, shop, c),
    ])
    for obj in (Like.objects.create(user=a, post=p1), Like.objects.create(user=b, post=p1),
                Comment.objects.create(author=c, post=p1, text="Nice"), Save.objects.create(user=a, post=p2),
                Like.objects.create(user=shop, post=p2)):  # the author's own like does not count
        dated(obj)
    User.objects.filter(pk=shop.pk).update(followers_count=10)


def test_a_day_folds_into_exact_account_and_post_numbers(world):
    shop, a, b, c, p1, p2 = world
    _record_day(*world)
    services.fold_day(DAY)
    day = AccountDay.objects.get(account_id=shop.pk, day=DAY)
    assert (day.views, day.reach) == (6, 3)  # 2 (ann) + 1 (bob) + 2 (signed out) + 1 (cy); ann, bob, cy
    assert (day.profile_visits, day.website_taps) == (2, 1)
    assert (day.tag_taps, day.product_views, day.add_to_cart, day.orders) == (4, 3, 2, 2)
    assert day.revenue == {"RUB": "1500.00", "USD": "20.50"}
    assert (day.follows, day.unfollows, day.followers) == (2, 1, 10)
    assert (day.interactions, day.engaged) == (4, 3)
    posts = {p.post_id: (p.views, p.reach, p.interactions) for p in PostDay.objects.filter(day=DAY)}
    assert posts == {p1.pk: (5, 2, 3), p2.pk: (1, 1, 1)}


def test_the_selector_gives_the_periods_numbers(world):
    shop, a, b, c, p1, p2 = world
    _record_day(*world)
    services.fold_day(DAY)
    shop.refresh_from_db()
    data = selectors.insights_for(shop, shop, 7, today=TODAY)
    now = data.current
    assert (now.views, now.reach, now.frequency, now.engaged, now.interactions) == (6, 3, 2.0, 3, 4)
    assert (now.profile_visits, now.website_taps) == (2, 1)
    assert (now.follows, now.unfollows, now.net_follows) == (2, 1, 1)
    assert (now.followers_start, now.followers_end, now.growth_percent) == (9, 10, 11.1)
    assert now.revenue == {"RUB": "1500.00", "USD": "20.50"}
    # Interactions per post so far ÷ followers on its day: 3/10 and 1/10, median 0.2 → 20 %.
    assert data.engagement_rate == 20.0
    assert [p["post_id"] for p in data.top_by_reach] == [p1.pk, p2.pk]
    assert [(p["post_id"], p["interactions"]) for p in data.top_by_engagement] == [(p1.pk, 3), (p2.pk, 1)]
    assert data.funnel == [
        {"step": "tag_taps", "count": 4, "conversion": None},
        {"step": "product_views", "count": 3, "conversion": 75.0},
        {"step": "add_to_cart", "count": 2, "conversion": 66.7},
        {"step": "orders", "count": 2, "conversion": 100.0},
    ]
    # The period before had nothing: zeros, and no change to show.
    assert (data.previous.views, data.previous.reach, data.previous.interactions) == (0, 0, 0)
    assert data.change("views") is None


def test_days_without_data_are_zeros(world):
    shop = world[0]
    data = selectors.insights_for(shop, shop, 28, today=TODAY)
    assert len(data.series) == 28
    assert all(d["views"] == d["reach"] == d["follows"] == d["interactions"] == 0 for d in data.series)
    assert (data.current.views, data.current.reach, data.current.frequency) == (0, 0, None)
    assert data.engagement_rate is None  # posts, but no followers to divide by
    assert data.top_by_reach == [] and data.current.revenue == {}


def test_change_against_the_previous_period(world):
    shop, a, b, c, p1, p2 = world
    recording.write_rows([row(Kind.POST_VIEW, shop, a, post=p1, when=at(9)),
                          row(Kind.POST_VIEW, shop, b, post=p1, when=at(9)),
                          row(Kind.POST_VIEW, shop, c, post=p1, when=at(9) - 8 * 86400)])
    services.fold_day(DAY)
    services.fold_day(DAY - timedelta(days=8))
    data = selectors.insights_for(shop, shop, 7, today=TODAY)
    assert (data.current.views, data.previous.views, data.change("views")) == (2, 1, 100.0)
    assert (data.current.reach, data.previous.reach) == (2, 1)


def test_repeated_views_within_the_hour_count_once(world, monkeypatch):
    shop, a, b, c, p1, p2 = world
    monkeypatch.setattr(recording.time, "time", lambda: at(15, 1))
    for _ in range(3):
        recording.hit(kind=Kind.POST_VIEW, account_id=shop.pk, viewer_id=a.pk, post_id=p1.pk, source="feed")
    monkeypatch.setattr(recording.time, "time", lambda: at(16, 1))
    recording.hit(kind=Kind.POST_VIEW, account_id=shop.pk, viewer_id=a.pk, post_id=p1.pk, source="feed")
    recording.flush()
    assert Hit.objects.filter(kind=Kind.POST_VIEW, viewer_id=a.pk).count() == 2


def test_self_views_staff_and_signed_out_follows_are_not_recorded(world):
    shop, a, b, c, p1, p2 = world
    staff = User.objects.create_user("mod", "mod@example.com", "x", is_staff=True)
    recording.hit(kind=Kind.POST_VIEW, account_id=shop.pk, viewer_id=shop.pk, post_id=p1.pk)
    recording.hit_by(staff, kind=Kind.PROFILE_VISIT, account_id=shop.pk)
    recording.hit(kind=Kind.FOLLOW, account_id=shop.pk, viewer_id=None)
    recording.hit(kind=Kind.PROFILE_VISIT, account_id=shop.pk, viewer_id=None)  # signed out: a view
    recording.flush()
    assert list(Hit.objects.values_list("kind", "viewer_id")) == [(Kind.PROFILE_VISIT, None)]


def test_blocked_and_suspended_viewers_are_dropped_at_the_fold(world, make_user):
    shop, a, b, c, p1, p2 = world
    blocked, suspended = make_user("dee"), make_user("eve")
    recording.write_rows([row(Kind.POST_VIEW, shop, v, post=p1) for v in (a, blocked, suspended)])
    Block.objects.create(blocker=shop, blocked=blocked)
    User.objects.filter(pk=suspended.pk).update(suspended_at=timezone.now())
    services.fold_day(DAY)
    day = AccountDay.objects.get(account_id=shop.pk, day=DAY)
    assert (day.views, day.reach) == (1, 1)
    assert list(Hit.objects.values_list("viewer_id", flat=True)) == [a.pk]  # reach over periods reads these


def test_fold_is_idempotent(world):
    _record_day(*world)
    services.fold_day(DAY)
    first = sorted(AccountDay.objects.values_list("account_id", "views", "reach", "interactions", "followers"))
    posts = sorted(PostDay.objects.values_list("post_id", "views", "reach", "interactions"))
    services.fold_day(DAY)
    assert sorted(AccountDay.objects.values_list("account_id", "views", "reach", "interactions", "followers")) == first
    assert sorted(PostDay.objects.values_list("post_id", "views", "reach", "interactions")) == posts
    assert AccountDay.objects.filter(day=DAY, account_id=world[0].pk).count() == 1


def test_followers_on_an_older_day_take_back_later_follows(world):
    shop, a, b, c, p1, p2 = world
    User.objects.filter(pk=shop.pk).update(followers_count=5)
    recording.write_rows([row(Kind.FOLLOW, shop, a, when=at(10) + 86400),
                          row(Kind.FOLLOW, shop, b, when=at(11) + 86400),
                          row(Kind.UNFOLLOW, shop, c, when=at(12) + 86400)])
    services.fold_day(DAY)
    assert AccountDay.objects.get(account_id=shop.pk, day=DAY).followers == 4  # 5 now, +2 −1 since


def test_prune_keeps_hits_90_days_and_days_730(world, settings):
    shop, a = world[0], world[1]
    now = timezone.now()
    recording.write_rows([row(Kind.PROFILE_VISIT, shop, a, when=(now - timedelta(days=91)).timestamp()),
                          row(Kind.PROFILE_VISIT, shop, a, when=(now - timedelta(days=89)).timestamp())])
    AccountDay.objects.create(account_id=shop.pk, day=(now - timedelta(days=731)).date())
    AccountDay.objects.create(account_id=shop.pk, day=(now - timedelta(days=700)).date())
    PostDay.objects.create(post_id=1, account_id=shop.pk, day=(now - timedelta(days=731)).date())
    assert services.prune(now=now) == (1, 2)
    assert Hit.objects.count() == 1 and AccountDay.objects.count() == 1 and PostDay.objects.count() == 0
    settings.INSIGHTS_RETENTION_DAYS = 30
    assert services.prune(now=now) == (1, 0)


def test_only_the_account_itself_and_only_professional_accounts(world, make_user):
    shop, a = world[0], world[1]
    creator = make_user("maker", account_type="creator")
    assert selectors.insights_for(creator, creator, 7).days == 7
    for viewer, account in ((a, shop), (creator, shop), (a, a), (None, shop)):
        with pytest.raises(Forbidden):
            selectors.insights_for(viewer, account, 7)


def test_audience_is_hidden_below_the_threshold(world, make_user, settings):
    from vitrina.social import services as social

    shop, a, b, c = world[:4]
    for follower, city in ((a, "Dhaka"), (b, "Dhaka"), (c, "Kazan")):
        User.objects.filter(pk=follower.pk).update(city=city)
        social.follow_create(follower=follower, target=shop)
    # Active: opened the feed (b) or signed in (c) in the last 30 days, the rating's rule too; a's sign-in is older.
    User.objects.filter(pk=b.pk).update(last_active_at=timezone.now())
    User.objects.filter(pk=c.pk).update(last_login=timezone.now() - timedelta(days=10))
    User.objects.filter(pk=a.pk).update(last_login=timezone.now() - timedelta(days=40), last_active_at=None)
    shop.refresh_from_db()
    assert selectors.insights_for(shop, shop, 7).audience is None  # 3 followers < 100
    settings.INSIGHTS_MIN_AUDIENCE = 3
    audience = selectors.insights_for(shop, shop, 7).audience
    assert audience["cities"] == [{"city": "Dhaka", "share": 66.7}, {"city": "Kazan", "share": 33.3}]
    assert audience["account_types"] == [{"account_type": "personal", "share": 100.0}]
    assert audience["active_share"] == 66.7
    assert audience["followers"] == 3


def test_an_account_purge_takes_its_insights(world):
    shop, a = world[0], world[1]
    _record_day(*world)
    services.fold_day(DAY)
    services.account_forget(account_id=shop.pk)
    assert not Hit.objects.filter(account_id=shop.pk).exists()
    assert not AccountDay.objects.filter(account_id=shop.pk).exists()
    assert not PostDay.objects.filter(account_id=shop.pk).exists()


def test_revenue_sums_exactly_per_currency(world):
    shop, a, b = world[:3]
    recording.write_rows([row(Kind.ORDER, shop, a, amount="0.100", currency="RUB"),
                          row(Kind.ORDER, shop, b, amount="0.200", currency="RUB"),
                          row(Kind.ORDER, shop, a, amount="999.990", currency="BDT")])
    services.fold_day(DAY)
    day = AccountDay.objects.get(account_id=shop.pk, day=DAY)
    assert day.revenue == {"RUB": "0.30", "BDT": "999.99"} and day.orders == 3
    assert sum(Decimal(v) for v in day.revenue.values()) == Decimal("1000.29")


def test_a_top_posts_reach_is_distinct_over_the_period(world):
    shop, a, b, c, p1, p2 = world
    recording.write_rows([row(Kind.POST_VIEW, shop, a, post=p1, when=at(9)),
                          row(Kind.POST_VIEW, shop, a, post=p1, when=at(9) - 2 * 86400),
                          row(Kind.POST_VIEW, shop, b, post=p2, when=at(9))])
    services.fold_day(DAY)
    services.fold_day(DAY - timedelta(days=2))
    data = selectors.insights_for(shop, shop, 7, today=TODAY)
    assert [(p["post_id"], p["reach"], p["views"]) for p in data.top_by_reach] == [(p2.pk, 1, 1), (p1.pk, 1, 2)]
    assert data.current.reach == 2  # ann and bob, not 3 daily reaches


def test_midnight_belongs_to_the_day_it_starts(world):
    shop, a, b, c, p1, p2 = world
    recording.write_rows([row(Kind.POST_VIEW, shop, a, post=p1, when=at(0)),
                          row(Kind.POST_VIEW, shop, b, post=p1, when=at(0) + 86400)])
    like = Like.objects.create(user=a, post=p1)
    Like.objects.filter(pk=like.pk).update(created_at=datetime.fromtimestamp(at(0), UTC))
    services.fold_day(DAY)
    day = AccountDay.objects.get(account_id=shop.pk, day=DAY)
    assert (day.views, day.interactions) == (1, 1)
