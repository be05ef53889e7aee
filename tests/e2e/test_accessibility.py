"""axe-core finds no serious or critical accessibility violation on the main pages of a phone, in English,
Russian and Bengali, colour contrast included (light mode; a few pages in dark mode too).

One browser context per language: the visitor's pages first, then the same context logs in. The follow
control's confirmation sheet is opened, checked, and used with htmx (the button swaps in place).
Screenshots of each language land in test-output/screens/<lang>/.

axe-core is vendored (tests/e2e/vendor, see its README) and injected as an init script, which the page's
Content-Security-Policy does not apply to.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.demo_snapshot import seed_demo
from tests.e2e.helpers import DEMO_MEMBER as MEMBER
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SHOP = "coffee.corner"
LANGUAGES = {"en-US": "en", "ru-RU": "ru", "bn-BD": "bn"}
SCREENS = {"landing", "login", "signup", "profile", "followers", "shop-member", "unfollow-sheet", "remove-sheet",
           "block-sheet", "dark-landing", "dark-shop"}

# Serious and critical violations, each with up to three of the elements at fault.
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
    `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.slice(0, 3).map(n => n.target.join(' ') +
      (n.failureSummary ? ' [' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200) + ']' : '')).join('; '));
}"""


def violations(page) -> list[str]:
    return page.evaluate(RUN_AXE)


def test_main_pages_have_no_serious_accessibility_violations(new_context, output_dir):
    seed_demo()
    from vitrina.posts.models import Post

    post = Post.objects.filter(author__username=SHOP).order_by("pk").first()
    visitor_pages = {"landing": "/", "login": "/accounts/login/", "signup": "/accounts/signup/", "explore": "/explore/",
                     "shop": f"/{SHOP}/", "post": f"/p/{post.pk}/"}
    member_pages = {"home": "/", "explore-member": "/explore/", "profile": f"/{MEMBER}/",
                    "post-member": f"/p/{post.pk}/", "create": "/create/", "edit-profile": "/accounts/edit/",
                    "followers": f"/{MEMBER}/followers/", "saved": "/accounts/saved/",
                    "search": "/explore/search/?q=coffee"}
    found = {}
    screens = output_dir / "screens"

    def check(page, name, folder):
        found[f"{folder.name} {name} ({page.url})"] = violations(page)
        if name in SCREENS:
            page.screenshot(path=str(folder / f"{name}.png"))  # the phone's screen, not the whole page: fast

    for locale, language in LANGUAGES.items():
        folder = screens / language
        folder.mkdir(parents=True, exist_ok=True)
        for name in SCREENS:  # a screenshot of an earlier run must not pass for this one's (others share the folder)
            (folder / f"{name}.png").unlink(missing_ok=True)
        context = new_context("phone", locale=locale)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.emulate_media(reduced_motion="reduce")

        for name, path in visitor_pages.items():
            page.goto(path)
            if name == "landing":
                expect(page.get_by_test_id("landing-signup")).to_be_visible()
                expect(page.get_by_test_id("landing-grid").get_by_test_id("grid-item").first).to_be_visible()
                expect(page.get_by_test_id("landing-shops").locator(f'[data-username="{SHOP}"]')).to_be_visible()
            check(page, name, folder)
        expect(page.get_by_test_id("topbar-login")).to_be_visible()
        if language == "en":
            page.emulate_media(color_scheme="dark")
            page.goto("/")
            check(page, "dark-landing", folder)
            page.emulate_media(color_scheme="light")
        page.goto("/accounts/login/")
        expect(page.get_by_test_id("topbar-login")).to_have_count(0)

        log_in(page)
        for name, path in member_pages.items():
            page.goto(path)
            check(page, name, folder)

        # The shop the member follows: "Following" opens the confirmation sheet.
        page.goto(f"/{SHOP}/")
        button = page.get_by_test_id("follow-button")
        expect(button).to_have_attribute("data-state", "following")
        check(page, "shop-member", folder)
        button.click()
        sheet = page.get_by_test_id("unfollow-sheet")
        expect(sheet).to_be_visible()
        check(page, "unfollow-sheet", folder)
        sheet.locator("[data-sheet-close]").click()
        expect(sheet).to_be_hidden()
        # Confirmed, the unfollow swaps the control in place (htmx), and following again is one tap.
        button.click()
        sheet.get_by_test_id("unfollow-button").click()
        expect(button).to_have_attribute("data-state", "none")
        expect(button).to_be_focused()  # only a swapped-in control takes the focus; a reloaded page does not
        button.click()
        expect(button).to_have_attribute("data-state", "following")

        # Removing a follower asks first, too.
        page.goto(f"/{MEMBER}/followers/")
        page.get_by_test_id("remove-follower").first.click()
        expect(page.get_by_test_id("remove-sheet").first).to_be_visible()
        check(page, "remove-sheet", folder)

        # The block sheet behind the profile's "More options".
        page.goto(f"/{SHOP}/")
        page.get_by_test_id("profile-menu").locator("summary").click()
        expect(page.get_by_test_id("block-sheet")).to_be_visible()
        check(page, "block-sheet", folder)

        if language == "en":
            page.emulate_media(color_scheme="dark")
            page.goto(f"/{SHOP}/")
            check(page, "dark-shop", folder)
            page.goto(f"/p/{post.pk}/")
            check(page, "dark-post", folder)
        context.close()

    print(f"\nScreenshots: {screens}/<en|ru|bn>/")
    problems = {where: found for where, found in found.items() if found}
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(
        f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
