"""First loads stay light: the home feed of a demo member and a shop's public profile, measured
in a phone browser with a cold cache, byte by byte as they come over the wire.

The live server of the other browser tests hands static files to Django's StaticFilesHandler and
media to its own media handler: uncompressed, unhashed, without the headers production sends. This
test starts its own live server without them, so every byte is what `make run` sends: static files
collected with hashed names and gzip copies (CompressedManifestStaticFilesStorage, as in settings)
and served by whitenoise, pages gzipped by the middleware, photos and avatars through Vitrina's media
view. The browser's cache is off (Network.setCacheDisabled), nothing is scrolled, and the load counts
until the network has been idle for half a second; bytes are Network.loadingFinished's
encodedDataLength (headers and compressed body) summed over every request of the load.
bench/pages.py measures the same pages throttled, with their LCP.
"""

import time

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from tests.demo_snapshot import seed_demo
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

KB = 1024
IDLE_S = 0.5
YEAR = 365 * 24 * 3600


@pytest.fixture
def production_server(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    server = LiveServer("localhost", start=False)
    # LiveServerThread wraps Django's handler in its static and media handlers; unwrapped, whitenoise
    # (built from the settings above when the thread starts) and the media view answer.
    server.thread.static_handler = lambda media_handler: media_handler.application
    server.start()
    yield server.url
    server.stop()


def first_load(browser, base_url, path, storage_state=None):
    """Every request of one cold load of path: {url, status, bytes, headers}; and JavaScript errors."""
    context = browser.new_context(base_url=base_url, storage_state=storage_state, **PHONE)
    context.set_default_navigation_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    cdp = context.new_cdp_session(page)
    requests, in_flight, last_change = {}, set(), [time.monotonic()]

    def sent(event):
        if not event["request"]["url"].startswith("data:"):
            requests.setdefault(event["requestId"], {"url": event["request"]["url"], "bytes": None})
            in_flight.add(event["requestId"])
            last_change[0] = time.monotonic()

    def received(event):
        if event["requestId"] in requests:
            headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
            requests[event["requestId"]].update(status=event["response"]["status"], headers=headers)

    def ended(event, key):
        if event["requestId"] in requests:
            requests[event["requestId"]]["bytes"] = event.get(key)
        in_flight.discard(event["requestId"])
        last_change[0] = time.monotonic()

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", lambda event: ended(event, "encodedDataLength"))
    cdp.on("Network.loadingFailed", lambda event: ended(event, None))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(path, wait_until="networkidle")
    deadline = time.monotonic() + 15
    while in_flight or time.monotonic() - last_change[0] < IDLE_S:
        assert time.monotonic() < deadline, f"the network never went idle: {[requests[r]['url'] for r in in_flight]}"
        page.wait_for_timeout(50)
    context.close()
    return list(requests.values()), errors


def member_session(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    log_in(page)
    state = context.storage_state()
    context.close()
    return state


def breakdown(requests, base_url):
    return "\n".join(f"  {r['bytes']:>7} B  {r['url'].removeprefix(base_url).split('?')[0]}" for r in requests)


def test_first_loads_fit_their_budgets(browser, production_server):
    seed_demo()
    base = production_server
    loads = {
        "home feed, member": (first_load(browser, base, "/", member_session(browser, base)), 200 * KB, 12),
        "shop profile, visitor": (first_load(browser, base, "/coffee.corner/"), 120 * KB, None),
    }
    for label, ((requests, errors), max_bytes, max_requests) in loads.items():
        assert not errors, f"{label}: JavaScript errors {errors}"
        failed = [r for r in requests if r["bytes"] is None or r.get("status", 0) >= 400]
        assert not failed, f"{label}: failed requests {failed}"
        total = sum(r["bytes"] for r in requests)
        detail = f"{label}: {total / KB:.1f} KB in {len(requests)} requests\n{breakdown(requests, base)}"
        assert total <= max_bytes, detail
        if max_requests is not None:
            assert len(requests) <= max_requests, detail
        # What production sends: the page gzipped; static files gzipped, hashed and cached for a year;
        # photos and avatars (WebP) as they are, and none of them at full size twice.
        page, *assets = requests
        assert page["headers"].get("content-encoding") == "gzip", detail
        static = [r for r in assets if "/static/" in r["url"]]
        assert static, detail
        for r in static:
            if r["url"].endswith((".css", ".js", ".svg")):
                assert r["headers"].get("content-encoding") == "gzip", r["url"]
            cache = r["headers"].get("cache-control", "")
            assert "immutable" in cache and int(cache.split("max-age=")[1].split(",")[0]) >= YEAR, (r["url"], cache)
        media = [r for r in assets if "/media/" in r["url"]]
        assert media and all(r["url"].split("?")[0].endswith(".webp") for r in media), detail
    home_requests = loads["home feed, member"][0][0]
    # The home feed fetched its first photo and the small avatars, no 320 px JPEG avatar.
    assert any("/media/posts/" in r["url"] for r in home_requests)
    assert all(not r["url"].split("?")[0].endswith(".jpg") for r in home_requests)
