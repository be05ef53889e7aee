"""Browser fixtures: Debian's Chromium driven by Playwright's sync API against live_server.

Playwright is never asked to download a browser; the tests use /usr/bin/chromium.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("VITRINA_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-output"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="package")
def browser():
    """Chromium, open while this package's tests run.

    Playwright's sync API runs its asyncio loop in a greenlet of the test's thread and
    marks it as running there between calls, so Django takes each ORM call of a test
    (make_user, the checks on the database, the flush after it) for one made inside async
    code, and refuses it. None is: they run in the test's own greenlet while the loop
    waits. So Django is told the calls are safe exactly while the loop is open, and the
    loop closes with the last browser test: the rest of the suite keeps Django's check.
    """
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"The browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """new_context(device="phone" | "desktop", locale="en-US") is a fresh browser profile.

    Each context has its own cookies, so two contexts are two people. Every page
    opened in one is watched: uncaught JavaScript errors and 5xx answers fail the test.
    """
    contexts = []
    problems = []

    def make(device="phone", locale="en-US"):
        options = PHONE if device == "phone" else DESKTOP
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)

        def watch(page):
            page.on("pageerror", lambda error: problems.append(f"JavaScript error on {page.url}: {error}"))
            page.on("response", lambda response: response.status >= 500 and problems.append(
                f"{response.status} from {response.request.method} {response.url}"))

        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def output_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def save_screen():
    """save_screen(page, name) keeps a screenshot of what the phone shows, under test-output/screens/<lang>/.

    The language is the page's own (<html lang>), so one call serves every parametrised locale; the run
    prints the list at the end (tests/conftest.py).
    """
    from tests.conftest import SCREENS_DIR

    def save(page, name):
        lang = page.evaluate("document.documentElement.lang") or "und"
        folder = SCREENS_DIR / lang
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 0
        return path

    return save


@pytest.fixture
def live_socket(live_server, settings):
    """The live socket's ASGI server, as `make run` starts it (granian, vitrina.asgi) on a port of its own,
    on the test's database (and Redis, on the PostgreSQL + Redis pass); pages are told its port."""
    import socket
    import subprocess
    import sys
    import time

    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{db['NAME']}"
    else:
        database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": settings.REDIS_URL or "",
           "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "localhost,127.0.0.1", "DEBUG": "0",
           "LIVE_RECHECK_SECONDS": "2"}
    if not settings.REDIS_URL:
        env.pop("REDIS_URL")
    granian = Path(sys.executable).parent / "granian"
    process = subprocess.Popen([str(granian), "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", "1", "--log-level", "warning", "vitrina.asgi:application"],
                               cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the ASGI server did not start: " + process.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
    settings.LIVE_PORT = port
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
