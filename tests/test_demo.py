import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.demo_snapshot import seed_demo
from vitrina.accounts.models import User
from vitrina.core.models import BuiltState
from vitrina.feed.explore import ranking, trending
from vitrina.social.models import Follow, FollowRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_fourteen_accounts_once(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "vitrina-demo-2026" in out
    users = User.objects.all()
    assert users.count() == 14
    assert {u.account_type for u in users} == {"personal", "creator", "business"}
    assert all(u.avatar for u in users)
    assert all(set(u.avatar_small) == {"96", "192"} for u in users)  # the small WebPs pages show
    assert Follow.objects.count() > 30
    assert FollowRequest.objects.filter(target__username="ivan.codes").count() == 1
    for user in users:
        assert user.followers_count == Follow.objects.filter(target=user).count()
    follows = Follow.objects.count()
    User.objects.filter(username="anna.petrova").update(bio="changed by the person")
    call_command("seed_demo")
    assert User.objects.count() == 14 and Follow.objects.count() == follows
    assert User.objects.get(username="anna.petrova").bio == "changed by the person"


def test_demo_accounts_can_log_in(client):
    seed_demo()
    response = client.post("/accounts/login/", {"username": "coffee.corner", "password": "vitrina-demo-2026"})
    assert response.status_code == 302


def test_seed_demo_builds_explore_so_the_first_visit_shows_it(page_client, monkeypatch):
    seed_demo()
    assert set(BuiltState.objects.values_list("name", flat=True)) == {ranking.POOL_STATE, trending.TRENDS_STATE}
    cache.clear()  # a web process started after the command
    monkeypatch.setattr(ranking, "_pool_cold", lambda: [])  # what it shows comes from the build
    page = page_client().get("/explore/").content.decode()
    assert page.count('data-testid="grid-item"') > 10


def test_seed_demo_puts_its_shops_in_the_rating(page_client):
    seed_demo()
    listed = page_client().get("/rankings/").content.decode()
    for shop in ("coffee.corner", "orbit.outfitters", "nebula.prints", "dhaka.crafts", "moscow.linen", "dhaka.tea"):
        assert f'href="/rankings/{shop}/"' in listed
    assert page_client().get("/rankings/coffee.corner/").status_code == 200


def test_seed_demo_gives_the_shops_a_month_of_insights(page_client):
    from vitrina.insights.models import AccountDay, Hit

    seed_demo()
    shop = User.objects.get(username="coffee.corner")
    days = AccountDay.objects.filter(account_id=shop.pk)
    assert days.count() >= 30 and sum(d.views for d in days) > 0
    hits = Hit.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Hit.objects.count() == hits  # once
    response = page_client(shop).get("/insights/?days=28")
    assert response.status_code == 200 and response.context["data"].current.views > 0
