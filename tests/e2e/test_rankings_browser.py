"""The rating on a phone, signed out, in English, Russian and Bengali: the top list with its filters, an
account's workings with its flags, the methodology; every control a tap target, nothing scrolls sideways,
axe-core finds no serious violation. Screenshots land in test-output/screens/<lang>/.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_orders_browser import AXE, problems_of
from tests.rankings_helpers import account_day, add_followers
from vitrina.rankings.services import rankings_recompute

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rated(make_user):
    now = timezone.now()
    honest = make_user("tea.house", account_type="business", category="food", city="Dhaka", display_name="Tea House")
    bought = make_user("fast.fame", account_type="business", category="food", city="Kolkata",
                       display_name="Fast Fame")
    make_user("linen.lane", account_type="business", category="clothing", city="Moscow")
    add_followers(honest, 25, now=now)
    add_followers(bought, 10, now=now)
    add_followers(bought, 40, now=now, active=False, empty=True, joined=now - timedelta(days=2), spread_hours=False)
    account_day(bought, now.date() - timedelta(days=2), follows=40)
    rankings_recompute(now=now)


@pytest.mark.parametrize("locale", ["en-US", "ru-RU", "bn-BD"])
def test_the_rating_on_a_phone(new_context, save_screen, rated, locale):
    context = new_context("phone", locale=locale)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    found = {}

    page.goto("/rankings/")
    expect(page.get_by_test_id("rank-row")).to_have_count(2)
    expect(page.get_by_test_id("rank-row").first).to_contain_text("tea.house")
    found["top"] = problems_of(page)
    save_screen(page, "rankings-top")

    page.locator("select[name=category]").select_option("clothing")
    page.get_by_test_id("rankings-filters").locator("button[type=submit]").click()
    expect(page.get_by_test_id("rankings-empty")).to_be_visible()
    page.goto("/rankings/?city=kolkata")
    expect(page.get_by_test_id("rank-row")).to_have_count(1)

    page.get_by_test_id("rank-row").locator("a").click()
    expect(page.get_by_test_id("rank-account")).to_be_visible()
    expect(page.get_by_test_id("flag-burst_or_empty_flag")).to_be_visible()
    expect(page.get_by_test_id("input-burst_or_empty_share")).to_contain_text("80")
    found["account"] = problems_of(page)
    save_screen(page, "rankings-account")

    page.get_by_test_id("methodology-link").click()
    expect(page.get_by_test_id("methodology")).to_be_visible()
    expect(page.get_by_test_id("term-follow_spike_z")).to_be_visible()
    found["methodology"] = problems_of(page)
    save_screen(page, "rankings-methodology")

    found = {name: problems for name, problems in found.items() if problems}
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())
