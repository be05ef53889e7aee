"""GET /rankings and /rankings/{username}: filters, bad params, pagination, and who is not shown."""

import pytest

from tests.conftest import assert_error
from tests.rankings_helpers import NOW, add_followers
from vitrina.lifecycle.services import account_suspend
from vitrina.rankings.services import rankings_recompute
from vitrina.social.services import account_update, block_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(make_user):
    """Audience quality dhaka.linen 100, moscow.silk 80, rose.beauty 70; growth 0 for all (percentile 50):
    scores (.15 × 50 + .30 × audience) ÷ .45."""
    made = {
        "dhaka.linen": make_user("dhaka.linen", account_type="business", category="clothing", city="Dhaka"),
        "moscow.silk": make_user("moscow.silk", account_type="business", category="clothing", city="Moscow"),
        "rose.beauty": make_user("rose.beauty", account_type="business", category="beauty", city="Dhaka"),
        "gone.shop": make_user("gone.shop", account_type="business", category="clothing", city="Dhaka"),
        "shy.shop": make_user("shy.shop", account_type="business", category="clothing", city="Dhaka"),
        "new.shop": make_user("new.shop", account_type="business", category="clothing", city="Dhaka"),
    }
    add_followers(made["dhaka.linen"], 10, now=NOW)
    add_followers(made["moscow.silk"], 5, now=NOW)
    add_followers(made["moscow.silk"], 5, now=NOW, active=False)
    add_followers(made["rose.beauty"], 10, now=NOW, mass=True)
    for name in ("gone.shop", "shy.shop"):
        add_followers(made[name], 10, now=NOW)
    rankings_recompute(now=NOW)
    # After the run: one is suspended, one goes private; neither may be shown any longer.
    account_suspend(user=made["gone.shop"])
    account_update(user=made["shy.shop"], data={"is_private": True})
    return made


def names(response):
    assert response.status_code == 200, response.content
    return [item["username"] for item in response.json()["items"]]


def test_the_list_is_best_first_with_every_input(api, shops):
    response = api().get("/rankings")
    assert names(response) == ["dhaka.linen", "moscow.silk", "rose.beauty"]
    body = response.json()
    first = body["items"][0]
    assert (first["rank"], first["group_rank"], first["band"], first["city"]) == (1, 1, "up_to_10k", "Dhaka")
    assert first["score"] == pytest.approx(37.5 / .45)
    assert first["components"] == {"engagement": None, "growth": 50.0, "audience": 100.0, "commerce": None}
    inputs = {i["name"]: i for i in first["inputs"]}
    # Tied at 0 with the two shops gone since the run, ahead of moscow.silk: (1 + 0.5 × 2) ÷ 3.
    assert inputs["inactive_share"] == {"name": "inactive_share", "component": "audience", "value": 0.0,
                                        "percentile": pytest.approx(200 / 3), "higher_is_better": False,
                                        "flagged": False}
    assert inputs["conversion"]["value"] is None and inputs["conversion"]["flagged"] is None
    assert body["run"]["formula_version"] == "1.0"
    silk = body["items"][1]
    assert silk["components"]["audience"] == 80.0 and silk["flags"]["inactive_flag"] is False


def test_filters_by_category_city_and_band(api, shops):
    assert names(api().get("/rankings", {"category": "clothing"})) == ["dhaka.linen", "moscow.silk"]
    assert names(api().get("/rankings", {"city": "dhaka"})) == ["dhaka.linen", "rose.beauty"]
    assert names(api().get("/rankings", {"city": "Dhaka", "category": "beauty", "band": "up_to_10k"})) == [
        "rose.beauty"]
    assert names(api().get("/rankings", {"band": "over_100k"})) == []
    assert names(api().get("/rankings", {"city": "Atlantis"})) == []


@pytest.mark.parametrize("params,field", [({"category": "weapons"}, "category"), ({"band": "huge"}, "band"),
                                          ({"city": "x" * 81}, "city")])
def test_unknown_filters_are_422(api, shops, params, field):
    assert_error(api().get("/rankings", params), 422, field=field)


def test_pages_by_cursor(api, shops):
    first = api().get("/rankings", {"limit": 2}).json()
    assert [i["username"] for i in first["items"]] == ["dhaka.linen", "moscow.silk"]
    second = api().get("/rankings", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["username"] for i in second["items"]] == ["rose.beauty"] and second["next_cursor"] is None
    assert_error(api().get("/rankings", {"cursor": "garbage"}), 400, code="invalid_cursor")


def test_an_account_with_its_workings(api, shops):
    response = api().get("/rankings/moscow.silk")
    assert response.status_code == 200
    body = response.json()
    # Ranks are the run's: the two shops hidden since it (tied with dhaka.linen) keep their places until the next.
    assert (body["username"], body["rank"], body["group_rank"], body["group_size"]) == ("moscow.silk", 4, 4, 4)
    assert {i["name"]: i["value"] for i in body["inputs"]}["inactive_share"] == 0.5


def test_an_account_without_data_is_shown_unranked(api, shops):
    body = api().get("/rankings/new.shop").json()
    assert (body["score"], body["rank"]) == (None, None)
    assert "new.shop" not in names(api().get("/rankings"))


def test_suspended_private_blocked_and_unknown_accounts_are_404(api, shops, make_user):
    for name in ("gone.shop", "shy.shop", "nobody.here"):
        assert_error(api().get(f"/rankings/{name}"), 404)
    viewer = make_user("viewer")
    block_create(blocker=shops["rose.beauty"], target=viewer)
    assert_error(api(viewer).get("/rankings/rose.beauty"), 404)
    assert names(api(viewer).get("/rankings")) == ["dhaka.linen", "moscow.silk"]
    assert api().get("/rankings/rose.beauty").status_code == 200


def test_without_a_run_the_list_is_empty(api, db):
    body = api().get("/rankings").json()
    assert body == {"items": [], "next_cursor": None, "run": None}
    assert_error(api().get("/rankings/anyone"), 404)
