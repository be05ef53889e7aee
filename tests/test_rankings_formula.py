"""The rating's formula on hand-made accounts whose every input, percentile and score is known.

Group (clothing, up to 10k): a, b, c and e; group (beauty, up to 10k): d alone. The numbers in the
comments are the formula's (vitrina/rankings/formula.py) worked by hand.
"""

from datetime import timedelta

import pytest

from tests.rankings_helpers import NOW, account_day, add_followers, post_day
from vitrina.accounts.models import User
from vitrina.rankings import formula
from vitrina.rankings.models import AccountScore, RankingRun
from vitrina.rankings.services import rankings_recompute
from vitrina.shop.models import Shop

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def _shop(owner, total, count):
    Shop.objects.create(owner=owner, currency="RUB", rating_total=total, rating_count=count)


@pytest.fixture
def fixture(make_user):
    a = make_user("shop_a", account_type="business", category="clothing", city="Dhaka")
    b = make_user("shop_b", account_type="business", category="clothing", city="Moscow")
    c = make_user("shop_c", account_type="business", category="clothing", city="Dhaka")
    d = make_user("shop_d", account_type="business", category="beauty", city="Dhaka")
    e = make_user("shop_e", account_type="business", category="clothing")
    make_user("person", account_type="personal")
    make_user("hidden_shop", account_type="business", category="clothing", private=True)

    # a: 20 followers: 4 inactive, 2 mass followers, 1 empty (no posts, no avatar).
    add_followers(a, 13, now=NOW)
    add_followers(a, 4, now=NOW, active=False)
    add_followers(a, 2, now=NOW, mass=True, joined=NOW - timedelta(days=900))
    add_followers(a, 1, now=NOW, empty=True, joined=NOW - timedelta(days=950))
    add_followers(b, 10, now=NOW)
    add_followers(c, 2, now=NOW)
    add_followers(d, 10, now=NOW)

    # Posts' interactions ÷ reach: a 0.1, 0.2 (over two days), 0.9 → median 0.2; b 0.1, 0.3, 0.5, 0.7 → 0.4;
    # c two posts only; d 0.25, 0.25, 0.5 → 0.25. A post older than the window is not counted.
    post_day(a, 1, TODAY, interactions=10, reach=100)
    post_day(a, 2, TODAY - timedelta(days=1), interactions=10, reach=50)
    post_day(a, 2, TODAY, interactions=10, reach=50)
    post_day(a, 3, TODAY - timedelta(days=27), interactions=90, reach=100)
    post_day(a, 4, TODAY - timedelta(days=28), interactions=100, reach=100)
    for post_id, ratio in ((11, 1), (12, 3), (13, 5), (14, 7)):
        post_day(b, post_id, TODAY, interactions=ratio, reach=10)
    post_day(c, 21, TODAY, interactions=1, reach=10)
    post_day(c, 22, TODAY, interactions=1, reach=10)
    for post_id, (i, r) in zip((31, 32, 33), ((1, 4), (1, 4), (1, 2)), strict=True):
        post_day(d, post_id, TODAY, interactions=i, reach=r)

    # Days: a engaged 2, 4, 6 of 20 → median 0.2; follows 3 + 3, unfollows 1: net 5 of 15 at the start;
    # 2 orders of 40 product views. b engaged 5 of 10 three times → 0.5, no follows. c 10 orders of 100 views.
    account_day(a, TODAY, views=10, engaged=2, followers=20, follows=3, product_views=40, orders=2)
    account_day(a, TODAY - timedelta(days=3), views=10, engaged=4, followers=18, follows=3, unfollows=1)
    account_day(a, TODAY - timedelta(days=5), interactions=3, engaged=6, followers=30)
    for back in range(3):
        account_day(b, TODAY - timedelta(days=back), views=5, engaged=5, followers=10, product_views=5)
    account_day(c, TODAY, product_views=100, orders=10)

    _shop(a, 14, 3)
    _shop(b, 10, 2)
    _shop(c, 25, 5)
    return {name: User.objects.get(pk=user.pk) for name, user in zip("abcde", (a, b, c, d, e), strict=True)}


def _scores(run):
    return {s.account.username[-1]: s for s in AccountScore.objects.filter(run=run).select_related("account")}


def test_every_input_percentile_component_and_rank(fixture):
    run = rankings_recompute(now=NOW)
    assert run.status == "finished" and run.formula_version == formula.FORMULA_VERSION
    # Business, active and public only: the private shop and the personal account are not scored.
    assert run.accounts == 5
    s = _scores(run)
    a, b, c, d, e = (s[k] for k in "abcde")

    assert (a.category, a.band, a.followers, a.city) == ("clothing", "up_to_10k", 20, "Dhaka")
    # Engagement quality.
    assert (a.post_engagement, a.posts_counted, b.post_engagement, c.post_engagement) == (0.2, 3, 0.4, None)
    assert (a.post_engagement_pct, b.post_engagement_pct, c.post_engagement_pct) == (0.0, 100.0, None)
    assert (a.engaged_ratio, b.engaged_ratio, c.engaged_ratio) == (0.2, 0.5, None)
    assert (a.engaged_ratio_pct, b.engaged_ratio_pct) == (0.0, 100.0)
    assert (a.engagement_score, b.engagement_score, c.engagement_score) == (0.0, 100.0, None)
    # Growth: 5 ÷ 15; b grew 0 of 10; c has 2 followers, under both minimums.
    assert a.growth == pytest.approx(1 / 3) and b.growth == 0.0 and c.growth is None
    assert (a.growth_pct, b.growth_pct, a.growth_score, b.growth_score) == (100.0, 0.0, 100.0, 0.0)
    # Audience quality: 100 − 40 × 0.2 − 30 × 0.1 − 30 × 0.05 = 87.5.
    assert (a.inactive_share, a.mass_followers_share, a.burst_or_empty_share) == (0.2, 0.1, 0.05)
    assert a.follow_spike_z == pytest.approx(3.6056, abs=1e-4)  # 3 and 3 among 26 quiet days
    assert not (a.inactive_flag or a.mass_followers_flag or a.burst_or_empty_flag or a.follow_spike_flag)
    assert (a.inactive_share_pct, b.inactive_share_pct) == (0.0, 100.0)
    assert (a.follow_spike_z_pct, b.follow_spike_z_pct) == (0.0, 100.0)
    assert (a.audience_score, b.audience_score, c.audience_score, c.inactive_share) == (87.5, 100.0, None, None)
    # Commerce: a converts 0.05, c 0.1; b's 15 views are too few. Reviews: a 14/3, c 5.0, b has 2.
    assert (a.conversion, b.conversion, c.conversion) == (0.05, None, 0.1)
    assert (a.conversion_pct, c.conversion_pct) == (0.0, 100.0)
    assert a.review_average == pytest.approx(14 / 3) and (b.review_average, b.review_count) == (None, 2)
    assert (a.review_average_pct, c.review_average_pct, c.review_count) == (0.0, 100.0, 5)
    assert (a.on_time_rate, a.refund_rate) == (None, None)
    assert (a.commerce_score, b.commerce_score, c.commerce_score) == (0.0, None, 100.0)
    # Overall, the weights over the components present: a .15×100 + .30×87.5 = 41.25; b (35 + 30) ÷ .8;
    # c commerce only; d alone in its group: every percentile 50, (.35×50 + .15×50 + .30×100) ÷ .8.
    assert a.score == pytest.approx(41.25) and b.score == pytest.approx(81.25) and c.score == 100.0
    assert (d.post_engagement, d.post_engagement_pct, d.engagement_score) == (0.25, 50.0, 50.0)
    assert (d.growth_pct, d.score) == (50.0, 68.75)
    assert (e.score, e.rank, e.group_rank) == (None, None, None)
    assert [(x.rank, x.group_rank, x.group_size) for x in (c, b, d, a)] == [(1, 1, 3), (2, 2, 3), (3, 1, 1), (4, 3, 3)]


def test_percentiles_count_ties_half_and_invert_when_lower_is_better():
    values = [1.0, 2.0, 2.0, 4.0, None]
    assert formula.percentiles(values, higher_is_better=True) == [0.0, 50.0, 50.0, 100.0, None]
    assert formula.percentiles(values, higher_is_better=False) == [100.0, 50.0, 50.0, 0.0, None]
    assert formula.percentiles([3.0, None], higher_is_better=True) == [50.0, None]


def test_old_runs_are_forgotten(fixture, settings):
    settings.RANKINGS_KEEP_RUNS = 2
    runs = [rankings_recompute(now=NOW) for _ in range(3)]
    assert list(RankingRun.objects.order_by("id").values_list("id", flat=True)) == [runs[1].pk, runs[2].pk]
    assert AccountScore.objects.filter(run=runs[0]).count() == 0


def test_medians_of_an_even_count_and_a_day_without_its_follower_count(make_user):
    """The medians are taken in the database: an even count gives the mean of the middle two, and a day
    folded without a follower count is measured against the account's followers now."""
    from vitrina.rankings import gather

    shop = make_user("evenshop", account_type="business")
    add_followers(shop, 20, now=NOW)
    for post_id, interactions in zip((41, 42, 43, 44), (4, 1, 3, 2), strict=True):
        post_day(shop, post_id, TODAY - timedelta(days=post_id - 41), interactions=interactions, reach=10)
    post_day(shop, 45, TODAY, interactions=5, reach=0)  # no reach: not counted
    # Engaged ÷ followers: 1/10, 8/10, 2/(20 now), 3/10; a day without views or interactions is not active.
    for back, engaged, followers in ((0, 1, 10), (1, 8, 10), (2, 2, None), (3, 3, 10)):
        account_day(shop, TODAY - timedelta(days=back), views=5, engaged=engaged, followers=followers)
    account_day(shop, TODAY - timedelta(days=4), engaged=9, followers=10)
    account_day(shop, TODAY - timedelta(days=40), views=5, engaged=9, followers=10)  # outside the window

    assert gather.post_ratios(today=TODAY) == {shop.pk: (4, pytest.approx(0.25))}
    days = gather.account_days(today=TODAY)[shop.pk]
    assert days["engaged_days"] == 4 and days["engaged_median"] == pytest.approx(0.2)
