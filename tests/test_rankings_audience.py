"""Audience quality against bought followers: an account inflating itself with a burst of fresh accounts
is flagged and scores below its honest twin; a large honest audience is not flagged for its signup hours."""

from datetime import timedelta

import pytest

from tests.rankings_helpers import NOW, account_day, add_followers, post_day
from vitrina.rankings.models import AccountScore
from vitrina.rankings.services import rankings_recompute

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def _same_activity(account):
    """The twins' own activity, alike: three posts and three days of engagement."""
    base = account.pk * 100
    for post_id, interactions in ((1, 2), (2, 3), (3, 4)):
        post_day(account, base + post_id, TODAY - timedelta(days=post_id), interactions=interactions, reach=20)
    for back in range(3):
        account_day(account, TODAY - timedelta(days=back + 10), views=20, interactions=5, engaged=6, followers=30)


def _score(run, account):
    return AccountScore.objects.get(run=run, account=account)


def test_a_burst_of_fresh_empty_followers_is_flagged_and_scores_below_the_honest_twin(make_user):
    honest = make_user("honest_shop", account_type="business", category="clothing")
    inflated = make_user("inflated_shop", account_type="business", category="clothing")
    for shop in (honest, inflated):
        add_followers(shop, 30, now=NOW)
        _same_activity(shop)
    # Sixty accounts made within one hour yesterday, no posts, no avatar, never back: all follow on one day.
    add_followers(inflated, 60, now=NOW, active=False, empty=True, joined=NOW - timedelta(days=1, hours=3),
                  spread_hours=False)
    account_day(inflated, TODAY - timedelta(days=1), follows=60)

    run = rankings_recompute(now=NOW)
    h, f = _score(run, honest), _score(run, inflated)

    assert (f.followers, f.band) == (90, "up_to_10k")
    assert f.burst_or_empty_share == pytest.approx(60 / 90) and f.burst_or_empty_flag
    assert f.inactive_share == pytest.approx(60 / 90)
    assert f.follow_spike_z == pytest.approx(27 ** 0.5) and f.follow_spike_flag  # one day among 28
    # 100 − 40 × 2/3 − 30 × 2/3 − 15 for the spike.
    assert f.audience_score == pytest.approx(100 - 70 * 2 / 3 - 15)
    assert (h.burst_or_empty_share, h.inactive_share, h.follow_spike_z, h.audience_score) == (0.0, 0.0, 0.0, 100.0)
    assert not (h.burst_or_empty_flag or h.follow_spike_flag or h.inactive_flag or h.mass_followers_flag)
    # The bought followers raise the growth (+200 %) but not the rating.
    assert f.growth == 2.0 and f.growth_pct == 100.0
    assert f.score < h.score and (h.rank, f.rank) == (1, 2)


def test_followers_with_photos_but_one_signup_hour_count_as_a_burst(make_user):
    shop = make_user("cohort_shop", account_type="business", category="food")
    add_followers(shop, 30, now=NOW)
    # 25 of 55 followers from one hour: 25 ≥ 20 and 45 % ≥ 5 %, though each has posts and a photo.
    add_followers(shop, 25, now=NOW, joined=NOW - timedelta(days=40), spread_hours=False)

    score = _score(rankings_recompute(now=NOW), shop)

    assert score.burst_or_empty_share == pytest.approx(25 / 55) and score.burst_or_empty_flag


def test_a_large_honest_audience_is_not_a_burst_for_its_busy_signup_hour(make_user):
    brand = make_user("big_brand", account_type="business", category="food")
    add_followers(brand, 480, now=NOW)
    # 20 followers who signed up in one hour are 20 of 500: under 5 % of the audience.
    add_followers(brand, 20, now=NOW, joined=NOW - timedelta(days=2), spread_hours=False)

    score = _score(rankings_recompute(now=NOW), brand)

    assert score.burst_or_empty_share == 0.0 and not score.burst_or_empty_flag


def test_mass_followers_and_inactive_followers_are_flagged(make_user):
    shop = make_user("mass_shop", account_type="business", category="food")
    add_followers(shop, 7, now=NOW)
    add_followers(shop, 3, now=NOW, mass=True, joined=NOW - timedelta(days=800))
    add_followers(shop, 10, now=NOW, active=False, joined=NOW - timedelta(days=900))

    score = _score(rankings_recompute(now=NOW), shop)

    assert (score.mass_followers_share, score.mass_followers_flag) == (0.15, False)
    assert (score.inactive_share, score.inactive_flag) == (0.5, False)
    add_followers(shop, 20, now=NOW, active=False, mass=True, joined=NOW - timedelta(days=1000))
    score = _score(rankings_recompute(now=NOW), shop)
    assert (score.mass_followers_share, score.mass_followers_flag) == (23 / 40, True)
    assert (score.inactive_share, score.inactive_flag) == (0.75, True)
    assert score.burst_or_empty_share == 0.0
