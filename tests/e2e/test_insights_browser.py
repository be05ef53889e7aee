"""Insights on a phone, in English, Russian and Bengali: the page with its cards and charts fits the screen,
every control is a tap target, axe-core finds no serious violation; and the beacon counts a post that was
on screen. Screenshots land in test-output/screens/<lang>/.
"""

import time
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.e2e.test_accessibility import RUN_AXE
from tests.e2e.test_tap_targets import small_targets
from tests.posts_helpers import make_post
from vitrina.insights import recording, services
from vitrina.insights.models import Hit, Kind

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


def _a_week_of_views(shop, viewers, post):
    today = timezone.now().astimezone(UTC).date()
    rows = []
    for back in range(7):
        day = today - timedelta(days=back)
        noon = timezone.datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()
        for i, viewer in enumerate(viewers[: 7 - back]):
            rows.append((int(Kind.POST_VIEW), shop.pk, viewer.pk, post.pk, None, "feed", None, "", noon + i * 3600))
        rows.append((int(Kind.FOLLOW), shop.pk, viewers[back].pk, None, None, "post", None, "", noon))
    recording.write_rows(rows)
    for back in range(8):
        services.fold_day(today - timedelta(days=back))


@pytest.mark.parametrize("locale", ["en-US", "ru-RU", "bn-BD"])
def test_insights_page_on_a_phone(new_context, save_screen, make_user, locale):
    shop = make_user("lumen", account_type="business", website="https://lumen.example")
    viewers = [make_user(f"viewer{i}") for i in range(8)]
    _a_week_of_views(shop, viewers, make_post(shop, caption="Linen, washed"))

    context = new_context("phone", locale=locale)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    log_in(page, "lumen")
    page.goto("/lumen/")
    page.get_by_test_id("insights-link").click()
    expect(page.get_by_test_id("card-views")).to_be_visible()
    expect(page.get_by_test_id("views-chart").locator("polyline")).to_have_count(2)
    expect(page.get_by_test_id("audience-hidden")).to_be_visible()
    page.get_by_test_id("period-7").click()
    expect(page.get_by_test_id("period-7")).to_have_attribute("aria-current", "page")
    problems = small_targets(page) + page.evaluate(RUN_AXE)
    overflow = page.evaluate(SIDEWAYS)
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px")
    save_screen(page, "insights")
    page.get_by_test_id("follows-chart").scroll_into_view_if_needed()
    save_screen(page, "insights-followers")
    assert not problems, problems


def test_the_beacon_counts_a_post_on_screen(new_context, make_user):
    recording.discard()
    shop = make_user("lumen", account_type="business")
    post = make_post(shop, caption="On screen")
    make_user("ann")
    context = new_context("phone")
    page = context.new_page()
    log_in(page, "ann")
    with page.expect_response(lambda r: r.url.endswith("/insights/seen"), timeout=15_000) as sent:
        page.goto("/lumen/")
        expect(page.get_by_test_id("grid-item")).to_be_visible()
        # A second on screen, then the batch leaves within five seconds.
    assert sent.value.status == 204, sent.value.text()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        recording.flush()
        if Hit.objects.filter(kind=Kind.POST_VIEW, post_id=post.pk).exists():
            break
        time.sleep(0.2)
    assert list(Hit.objects.filter(kind=Kind.POST_VIEW).values_list("post_id", "source")) == [(post.pk, "profile")]
