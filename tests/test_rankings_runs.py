"""Runs as a whole: a constant number of queries whatever the number of accounts (set-based), and a failed
run leaves the pages on the last finished one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.rankings_helpers import NOW, account_day, add_followers, post_day
from vitrina.rankings import gather, selectors
from vitrina.rankings.models import RankingRun
from vitrina.rankings.services import rankings_recompute

pytestmark = pytest.mark.django_db


def _shops(make_user, start, count):
    for i in range(start, start + count):
        shop = make_user(f"shop{i}", account_type="business", category="food")
        add_followers(shop, 10, now=NOW)
        account_day(shop, NOW.date(), views=5, engaged=2, followers=10, follows=1)
        post_day(shop, i, NOW.date(), interactions=1, reach=5)


def _queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        rankings_recompute(now=NOW)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_accounts(make_user):
    # Up to services.BATCH scores go in one INSERT; past that, one more query per batch.
    _shops(make_user, 0, 2)
    few = _queries()
    _shops(make_user, 2, 12)
    assert _queries() == few


def test_a_failed_run_is_marked_and_the_pages_keep_the_last_finished_one(make_user, monkeypatch):
    _shops(make_user, 0, 1)
    good = rankings_recompute(now=NOW)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(gather, "order_outcomes", broken)
    with pytest.raises(RuntimeError):
        rankings_recompute(now=NOW)

    failed = RankingRun.objects.latest("id")
    assert failed.status == "failed" and failed.finished_at is not None and not failed.scores.exists()
    assert selectors.latest_run() == good
