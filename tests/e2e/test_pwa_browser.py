"""The service worker in a real browser: it installs, a page that cannot load shows the offline page,
and the cache holds the app shell only, never a member's page."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""


@pytest.mark.parametrize("locale, offline_heading", [("en-US", "You're offline"), ("bn-BD", "আপনি অফলাইনে আছেন")])
def test_offline_page_replaces_a_page_that_cannot_load(new_context, make_user, locale, offline_heading):
    make_user("lena.offline", private=True)
    context = new_context("phone", locale=locale)
    page = context.new_page()
    page.goto("/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.locator("input[name=username]").fill("lena.offline")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("nav-profile")).to_be_visible()
    # The worker is registered after load; wait until it controls the page.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")

    cached = page.evaluate(CACHED_URLS)
    assert "/offline/" in cached
    assert all(url.startswith("/static/") or url == "/offline/" for url in cached), cached

    context.set_offline(True)
    page.goto("/lena.offline/")
    expect(page.get_by_test_id("offline")).to_be_visible()
    expect(page.locator("h1")).to_have_text(offline_heading)
    # The shell's stylesheet came from the cache: the page is styled offline.
    assert page.evaluate("getComputedStyle(document.querySelector('.button')).minHeight") == "44px"
    assert "lena.offline" not in page.content()

    context.set_offline(False)
    page.goto("/lena.offline/")
    expect(page.locator("h1")).to_contain_text("lena.offline")
    # Pages seen while online were not kept either.
    assert all(url.startswith("/static/") or url == "/offline/" for url in page.evaluate(CACHED_URLS))
