"""The rating's pages: the list with its filters, an account's workings with its flags, the methodology in
three languages; bad filters are form errors, hidden accounts are 404."""

from datetime import timedelta

import pytest

from tests.rankings_helpers import NOW, account_day, add_followers
from vitrina.lifecycle.services import account_suspend
from vitrina.rankings import formula
from vitrina.rankings.services import rankings_recompute
from vitrina.social.services import account_update, block_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(make_user):
    honest = make_user("tea.house", account_type="business", category="food", city="Dhaka",
                       display_name="Tea House")
    bought = make_user("fast.fame", account_type="business", category="food", city="Kolkata")
    hidden = make_user("hidden.shop", account_type="business", category="food", city="Dhaka")
    add_followers(honest, 20, now=NOW)
    add_followers(bought, 10, now=NOW)
    add_followers(bought, 40, now=NOW, active=False, empty=True, joined=NOW - timedelta(days=2), spread_hours=False)
    account_day(bought, NOW.date() - timedelta(days=2), follows=40)
    add_followers(hidden, 20, now=NOW)
    rankings_recompute(now=NOW)
    return {"honest": honest, "bought": bought, "hidden": hidden}


def test_the_list_for_a_visitor(page_client, shops):
    response = page_client().get("/rankings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("tea.house") < html.index("fast.fame")
    assert 'data-testid="rank-row"' in html and "Audience flagged" in html
    assert "/rankings/methodology/" in html  # the header's link


def test_filters_and_bad_values(page_client, shops):
    html = page_client().get("/rankings/", {"city": "kolkata"}).content.decode()
    assert "fast.fame" in html and "tea.house" not in html
    html = page_client().get("/rankings/", {"category": "beauty"}).content.decode()
    assert 'data-testid="rankings-empty"' in html
    response = page_client().get("/rankings/", {"category": "weapons", "band": "huge", "cursor": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose one of the categories." in html and "Choose one of the size bands." in html
    assert "tea.house" in html  # the bad filters are left out, not applied
    assert page_client().get("/rankings/", {"cursor": "garbage"}).status_code == 302


def test_an_accounts_workings_with_its_flags_explained(page_client, shops):
    response = page_client().get("/rankings/fast.fame/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="flag-burst_or_empty_flag"' in html and 'data-testid="flag-follow_spike_flag"' in html
    assert "Many followers look bought" in html
    for term in formula.INPUTS:
        assert f'data-testid="input-{term.name}"' in html
    assert "80.0 %" in html  # burst or empty: 40 of 50
    assert "not enough data" in html and "Formula 1.0" in html


def test_hidden_accounts_are_404(page_client, shops, make_user):
    viewer = make_user("viewer")
    block_create(blocker=viewer, target=shops["honest"])
    assert page_client(viewer).get("/rankings/tea.house/").status_code == 404
    assert "tea.house" not in page_client(viewer).get("/rankings/").content.decode()
    html = page_client().get("/rankings/").content.decode()
    assert '<option value="Dhaka">' in html and '<option value="Kolkata">' in html  # the city suggestions
    account_update(user=shops["honest"], data={"city": "Sylhet"})  # profile edits wait for the next run
    account_suspend(user=shops["hidden"])
    assert page_client().get("/rankings/hidden.shop/").status_code == 404
    account_update(user=shops["bought"], data={"is_private": True})
    assert page_client().get("/rankings/fast.fame/").status_code == 404
    html = page_client().get("/rankings/").content.decode()
    # Only tea.house is left to list, with the city it had at the run.
    assert '<option value="Dhaka">' in html and '<option value="Kolkata">' not in html
    assert page_client().get("/rankings/nobody/").status_code == 404


@pytest.mark.parametrize("language,words", [("en", "Engagement quality"), ("ru", "Качество вовлечённости"),
                                            ("bn", "এনগেজমেন্টের মান")])
def test_the_methodology_in_three_languages(page_client, db, language, words):
    response = page_client().get("/rankings/methodology/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    for term in formula.INPUTS:
        assert f'data-testid="term-{term.name}"' in html


def test_the_shop_tab_links_the_rating(page_client, db):
    assert "/rankings/" in page_client().get("/shop/").content.decode()
