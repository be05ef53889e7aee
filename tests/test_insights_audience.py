"""The audience on the insights page: counted by the hourly job for every creator and business account
over the threshold, read as one row; counted on the spot only when the row is missing or stale."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vitrina.accounts.models import User
from vitrina.insights import audience, services
from vitrina.insights.models import Audience
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(make_user, settings):
    """A shop followed by four (two in Dhaka, one in Kazan, one creator without a city), a creator followed
    by two (under the threshold of three), and a personal account followed by four (never counted)."""
    settings.INSIGHTS_MIN_AUDIENCE = 3
    shop = make_user("lumen", account_type="business")
    maker = make_user("maker", account_type="creator")
    person = make_user("pat")
    people = [make_user(name, city=city) for name, city in (("ann", "Dhaka"), ("bob", "Dhaka"), ("cy", "Kazan"))]
    people.append(make_user("dee", account_type="creator"))
    for follower in people:
        social.follow_create(follower=follower, target=shop)
        social.follow_create(follower=follower, target=person)
    for follower in people[:2]:
        social.follow_create(follower=follower, target=maker)
    now = timezone.now()
    User.objects.filter(pk=people[0].pk).update(last_login=now - timedelta(days=2))  # active: signed in
    User.objects.filter(pk=people[1].pk).update(last_active_at=now - timedelta(days=40))  # not: too long ago
    for account in (shop, maker, person):
        account.refresh_from_db()
    return shop, maker, person, people


def test_the_job_counts_every_eligible_account_once_and_nobody_else(crowd):
    shop, maker, person, people = crowd
    assert audience.audiences_count() == 1
    row = Audience.objects.get()
    assert (row.account_id, row.followers, row.active) == (shop.pk, 4, 1)
    assert row.cities == [["Dhaka", 2], ["Kazan", 1]]
    assert row.account_types == [["personal", 3], ["creator", 1]]
    assert audience.audience_of(shop) == {
        "followers": 4, "active_share": 25.0,
        "cities": [{"city": "Dhaka", "share": 50.0}, {"city": "Kazan", "share": 25.0}],
        "account_types": [{"account_type": "personal", "share": 75.0}, {"account_type": "creator", "share": 25.0}],
    }
    assert audience.audience_of(maker) is None and audience.audience_of(person) is None


def test_the_page_reads_the_row_until_the_job_counts_again(crowd, make_user, django_assert_max_num_queries):
    shop, _maker, _person, people = crowd
    audience.audiences_count()
    social.follow_create(follower=make_user("eve", city="Kazan"), target=shop)
    User.objects.filter(pk=people[2].pk).update(is_active=False)  # a deactivated follower stops counting
    shop.refresh_from_db()
    with django_assert_max_num_queries(1):
        assert audience.audience_of(shop)["followers"] == 4  # the hour's row
    audience.audiences_count()
    counted = audience.audience_of(shop)
    assert counted["followers"] == 4 and counted["cities"] == [{"city": "Dhaka", "share": 50.0},
                                                              {"city": "Kazan", "share": 25.0}]


def test_a_missing_or_stale_row_is_counted_on_the_spot_and_a_lower_audience_hides(crowd, settings):
    shop, _maker, _person, people = crowd
    assert audience.audience_of(shop)["followers"] == 4  # no row yet: counted now, and kept
    assert Audience.objects.filter(account_id=shop.pk).count() == 1
    Audience.objects.update(counted_at=timezone.now() - audience.STALE - timedelta(minutes=1), followers=99)
    assert audience.audience_of(shop)["followers"] == 4  # the job stopped: the row is counted again
    settings.INSIGHTS_MIN_AUDIENCE = 5
    assert audience.audience_of(shop) is None


def test_the_job_runs_on_the_scheduler_and_a_purge_takes_the_row(crowd):
    from vitrina.core.scheduler import JOBS
    from vitrina.insights.tasks import insights_audiences

    shop = crowd[0]
    assert "insights.audiences" in JOBS
    assert insights_audiences.call() == 1
    services.account_forget(account_id=shop.pk)
    assert not Audience.objects.exists()
