"""Steps the browser tests share, in any of the three languages (fields and buttons found by name, not label)."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD

DEMO_MEMBER = "anna.petrova"  # seed_demo: follows coffee.corner and friends, has posts and followers
DEMO_PASSWORD = "vitrina-demo-2026"


def log_in(page, username: str = DEMO_MEMBER, password: str | None = None) -> None:
    """Log in through the form; the demo member's password unless told (the tests' own users' otherwise)."""
    if password is None:
        password = DEMO_PASSWORD if username == DEMO_MEMBER else PASSWORD
    page.goto("/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("nav-profile")).to_be_visible()
