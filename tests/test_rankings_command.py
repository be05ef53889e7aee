"""manage.py vitrina_rankings prints its progress and a summary; the daily job is registered and runs."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from tests.rankings_helpers import NOW, add_followers
from vitrina.core import scheduler
from vitrina.rankings.models import AccountScore, RankingRun
from vitrina.rankings.tasks import recompute_rankings

pytestmark = pytest.mark.django_db


def test_the_command_scores_and_prints_its_progress(make_user):
    shop = make_user("bar.shop", account_type="business", category="food")
    add_followers(shop, 12, now=NOW)
    out, err = io.StringIO(), io.StringIO()

    call_command("vitrina_rankings", stdout=out, stderr=err)

    run = RankingRun.objects.get()
    assert run.status == "finished" and run.accounts == 1
    assert AccountScore.objects.get(run=run).account == shop
    assert f"Rating run {run.pk} (formula 1.0): 1 accounts scored in" in out.getvalue()
    progress = err.getvalue()
    assert "\r[" in progress and "7/7 reviews" in progress and "1/1 scores" in progress
    assert "[" + "#" * 30 + "]" in progress and progress.endswith("\n")


def test_the_command_is_quiet_when_asked(make_user):
    err = io.StringIO()
    call_command("vitrina_rankings", "--no-progress", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "" and RankingRun.objects.get().accounts == 0


def test_the_daily_job_is_registered_and_recomputes(make_user):
    job = scheduler.JOBS["rankings.recompute"]
    assert job.every == timedelta(days=1) and job.task is recompute_rankings
    make_user("job.shop", account_type="business")
    result = recompute_rankings.enqueue()
    assert result.return_value == 1 and RankingRun.objects.get().status == "finished"
