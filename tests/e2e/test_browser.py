"""End-to-end: two people in two phone browsers, a private account and a follow request.

Run alone with: .venv/bin/python -m pytest tests/e2e -q
"""

import io
import re
from pathlib import Path

import polib
from PIL import Image
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

DATA = Path(__file__).resolve().parents[1] / "data" / "photos"
LOCALE = Path(__file__).resolve().parents[2] / "vitrina" / "locale"

OWNER = "priya.owner"
OWNER_NAME = "প্রিয়া"
NEWCOMER = "alyona_k"
NEWCOMER_NAME = "Алёна Щербакова"
NEWCOMER_BIO_LINES = ["Снимаю город на плёнку 📷🌆", "Кофе ☕ и кошки 🐈"]
NEWCOMER_WEBSITE = "https://alyona.example.com"


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Log in").click()
    # The home page greets a signed-in person with their profile in the bottom bar.
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_test_id("nav-profile")).to_have_attribute("href", f"/{username}/")


def expect_loaded_image(image) -> None:
    """The <img> is visible and its file really arrived and decoded (not a broken icon)."""
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    # decode() waits for the file (lazy-loaded avatars included) and rejects if it is broken.
    image.evaluate("img => { img.loading = 'eager'; return img.decode(); }")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "avatar image did not load"


def screenshot(page: Page, path: Path) -> None:
    """A full-page screenshot; on a phone the page must not scroll sideways."""
    if page.viewport_size["width"] < 600:
        overflow = page.evaluate("""() => {
            const width = document.documentElement.clientWidth;
            // Slides of a carousel sit off-screen inside their own scroller; that is not page overflow.
            const clipped = el => { for (let p = el.parentElement; p; p = p.parentElement) {
                if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
            return [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el))
                .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))
                .slice(0, 5);
        }""")
        assert not overflow, f"{page.url} is wider than the phone screen: {overflow}"
    page.screenshot(path=str(path), full_page=True)
    assert path.is_file() and path.stat().st_size > 0, f"screenshot {path} is missing or empty"


SCREENSHOTS = (
    "edit-profile-phone.png", "profile-phone.png", "requested-phone.png", "owner-requests-phone.png",
    "owner-followers-phone.png", "owner-profile-as-follower-phone.png", "profile-desktop.png",
)


def test_private_follow_request_between_two_phones(new_context, make_user, output_dir):
    for name in SCREENSHOTS:  # A screenshot left by an earlier run must not pass for this run's.
        (output_dir / name).unlink(missing_ok=True)
    make_user(OWNER, private=True, display_name=OWNER_NAME)

    # --- The owner of the private account logs in on their phone. -------------
    owner = new_context("phone").new_page()
    log_in(owner, OWNER)

    # --- A newcomer signs up in another phone browser. ------------------------
    newcomer_context = new_context("phone")
    me = newcomer_context.new_page()
    me.goto("/accounts/signup/")
    form = me.get_by_test_id("signup-form")
    form.get_by_label("Username").fill(NEWCOMER)
    form.get_by_label("Email").fill(f"{NEWCOMER}@example.com")
    form.get_by_label(re.compile(r"^Name:?$")).fill("Alyona")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Creator", exact=True).check()
    form.get_by_role("button", name="Sign up").click()

    # Sign-up lands on "Edit profile".
    expect(me).to_have_url(re.compile(r"/accounts/edit/$"))
    expect(me.get_by_role("heading", name="Edit profile")).to_be_visible()

    # The avatar has its own form: choose a real camera photo (with GPS EXIF) and upload it.
    me.locator("#avatar-input").set_input_files(DATA / "gps_DSCN0010.jpg")
    me.get_by_role("button", name="Upload", exact=True).click()
    expect(me.get_by_text("Profile photo updated.")).to_be_visible()
    expect(me).to_have_url(re.compile(r"/accounts/edit/$"))
    expect_loaded_image(me.locator(".avatar-edit img.avatar"))
    # The stored avatar is re-encoded: the photo's GPS position must not be published.
    # The page shows the small WebP its screen needs (the 320 px JPEG is for the API and the data export).
    avatar_url = me.locator(".avatar-edit img.avatar").evaluate("img => img.currentSrc")
    avatar = me.request.get(avatar_url)
    assert avatar.ok and avatar.headers["content-type"] == "image/webp"
    with Image.open(io.BytesIO(avatar.body())) as served:
        assert served.width == served.height, "avatars are square"
        assert 0x8825 not in served.getexif(), "GPS data reached the served avatar"
    screenshot(me, output_dir / "edit-profile-phone.png")

    # Then the profile fields, in scripts other than Latin.
    profile_form = me.get_by_test_id("profile-form")
    profile_form.get_by_label(re.compile(r"^Name:?$")).fill(NEWCOMER_NAME)
    profile_form.get_by_label("Bio").fill("\n".join(NEWCOMER_BIO_LINES))
    profile_form.get_by_label("Website").fill(NEWCOMER_WEBSITE)
    expect(profile_form.get_by_label("Creator", exact=True)).to_be_checked()
    me.get_by_test_id("save-profile").click()

    # Saving shows their own profile page.
    expect(me).to_have_url(re.compile(rf"/{NEWCOMER}/$"))
    expect(me.get_by_text("Profile saved.")).to_be_visible()
    expect(me.get_by_test_id("display-name")).to_have_text(NEWCOMER_NAME)
    for line in NEWCOMER_BIO_LINES:
        expect(me.get_by_test_id("bio")).to_contain_text(line)
    expect(me.locator(".profile-header")).to_contain_text("alyona.example.com")
    expect(me.locator(".profile-header")).to_contain_text("Creator")
    expect_loaded_image(me.locator(".profile-header img.avatar"))
    expect(me.get_by_test_id("edit-profile")).to_be_visible()
    screenshot(me, output_dir / "profile-phone.png")

    # --- The newcomer finds the private account and asks to follow. -----------
    me.goto(f"/{OWNER}/")
    expect(me.locator("h1.username")).to_contain_text(OWNER)
    expect(me.get_by_test_id("display-name")).to_have_text(OWNER_NAME)
    expect(me.get_by_test_id("private-notice")).to_be_visible()
    expect(me.get_by_test_id("followers-count")).to_have_text("0")
    follow = me.get_by_test_id("follow-button")
    expect(follow).to_have_attribute("data-state", "none")
    expect(follow).to_have_text("Follow")
    profile_url = me.url
    follow.click()
    # htmx swaps the button in place: no page load, and the request is pending.
    expect(follow).to_have_attribute("data-state", "requested")
    expect(follow).to_have_text("Requested")
    assert me.url == profile_url
    expect(me.get_by_test_id("private-notice")).to_be_visible()
    screenshot(me, output_dir / "requested-phone.png")

    # --- The owner sees the request and confirms it. ---------------------------
    owner.goto("/accounts/requests/")
    expect(owner.get_by_role("heading", name="Follow requests")).to_be_visible()
    # The request is a notification: the top bar's heart counts it.
    expect(owner.get_by_test_id("notifications-badge")).to_have_text("1")
    row = owner.get_by_test_id("requests-list").locator(f'li[data-username="{NEWCOMER}"]')
    expect(row).to_contain_text(NEWCOMER)
    expect(row).to_contain_text(NEWCOMER_NAME)
    expect_loaded_image(row.locator("img.avatar"))
    screenshot(owner, output_dir / "owner-requests-phone.png")
    owner.get_by_test_id(f"approve-{NEWCOMER}").click()
    done = owner.get_by_test_id("request-done")
    expect(done).to_have_attribute("data-username", NEWCOMER)
    expect(done).to_contain_text(f"{NEWCOMER} now follows you.")
    expect(owner.get_by_test_id(f"approve-{NEWCOMER}")).to_have_count(0)

    # --- Both lists show the new follow. --------------------------------------
    owner.goto(f"/{OWNER}/followers/")
    followers = owner.get_by_test_id("people-list")
    expect(followers.locator(f'li[data-username="{NEWCOMER}"]')).to_contain_text(NEWCOMER_NAME)
    expect(followers.locator("li.person")).to_have_count(1)
    # The request's notification went with the approval; "started following you" is the one unread now.
    expect(owner.get_by_test_id("notifications-badge")).to_have_text("1")
    screenshot(owner, output_dir / "owner-followers-phone.png")

    me.goto(f"/{NEWCOMER}/following/")
    following = me.get_by_test_id("people-list")
    expect(following.locator(f'li[data-username="{OWNER}"]')).to_contain_text(OWNER_NAME)
    expect(following.locator("li.person")).to_have_count(1)

    # --- The newcomer now sees the private profile as a follower. --------------
    me.goto(f"/{OWNER}/")
    expect(me.get_by_test_id("follow-button")).to_have_attribute("data-state", "following")
    expect(me.get_by_test_id("follow-button")).to_have_text("Following")
    expect(me.get_by_test_id("private-notice")).to_have_count(0)
    expect(me.get_by_test_id("followers-count")).to_have_text("1")
    expect(me.get_by_test_id("post-grid")).to_be_attached()
    expect(me.get_by_text("Follows you")).to_have_count(0)
    screenshot(me, output_dir / "owner-profile-as-follower-phone.png")

    me.goto(f"/{NEWCOMER}/")
    expect(me.get_by_test_id("following-count")).to_have_text("1")
    expect(me.get_by_test_id("followers-count")).to_have_text("0")

    # --- The same profile on a desktop screen (same session, other window size). -
    desktop = new_context("desktop")
    desktop.add_cookies(newcomer_context.cookies())
    wide = desktop.new_page()
    wide.goto(f"/{NEWCOMER}/")
    expect(wide.get_by_test_id("display-name")).to_have_text(NEWCOMER_NAME)
    expect_loaded_image(wide.locator(".profile-header img.avatar"))
    screenshot(wide, output_dir / "profile-desktop.png")
    assert sorted(path.name for path in output_dir.glob("*.png") if path.name in SCREENSHOTS) == sorted(SCREENSHOTS)


def po_translation(language: str, msgid: str) -> str:
    """The msgstr for msgid in vitrina/locale/<language>, read now (the catalogs are being filled)."""
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = [e for e in polib.pofile(str(po_path)) if e.msgid == msgid and not e.msgctxt and not e.obsolete]
    assert entries, f"{msgid!r} is not in {po_path}"
    entry = entries[0]
    assert entry.msgstr.strip(), f"{msgid!r} has no {language} translation in {po_path}"
    assert not entry.fuzzy, f"{msgid!r} is marked fuzzy in {po_path}, so it is not compiled"
    assert entry.msgstr != msgid, f"{msgid!r} is not translated in {po_path}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime, (
        f"{mo_path} is missing or older than its .po: run `.venv/bin/python manage.py compile_translations`"
    )
    return entry.msgstr


def test_language_from_browser_and_switcher(new_context, output_dir):
    russian = po_translation("ru", "Log in")
    bengali = po_translation("bn", "Log in")

    page = new_context("phone", locale="ru-RU").new_page()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    button = page.get_by_test_id("login-form").locator("button[type=submit]")
    expect(button).to_have_text(russian)
    select = page.locator("#language-select")
    expect(select).to_have_value("ru")
    expect(select.locator('option[value="bn"]')).to_have_text("বাংলা")

    # Choosing a language submits the form at once and comes back to this page.
    select.select_option("bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(button).to_have_text(bengali)
    expect(select).to_have_value("bn")
    screenshot(page, output_dir / "login-bn-phone.png")

    # The choice is kept in a cookie and outlives the browser's Accept-Language.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(button).to_have_text(bengali)

