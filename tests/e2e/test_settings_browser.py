"""Settings on a phone, in English, Russian and Bengali: the gear opens it, every section opens and goes back,
the language changes at once, and a real photo is cropped in the browser into the new avatar.

Screenshots: test-output/screens/<language>/settings.png and edit-profile.png.
"""

import io
import re

import pytest
from django.utils import translation
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_browser import DATA, expect_loaded_image, screenshot
from tests.e2e.test_tap_targets import small_targets
from vitrina.accounts import services as account_services

pytestmark = pytest.mark.django_db(transaction=True)

_ = translation.gettext
LANGUAGES = {"en-US": "en", "ru-RU": "ru", "bn-BD": "bn"}
NAMES = {"en": "English", "ru": "Русский", "bn": "বাংলা"}
# Stored 600 x 450 with EXIF Orientation 6: upright, it is a 450 x 600 portrait.
PHOTO = DATA / "orientation_portrait_6.jpg"
HEIC = DATA / "heic_IMG_5195.HEIC"
# (row test id, URL, title) of each section reached from Settings.
SECTIONS = [
    ("settings-edit-profile", "/accounts/edit/", "Edit profile"),
    ("settings-account", "/accounts/settings/account/", "Account"),
    ("settings-privacy", "/accounts/settings/privacy/", "Privacy"),
    ("settings-security", "/accounts/security/", "Security"),
    ("settings-language", "/accounts/settings/language/", "Language"),
    ("settings-data", "/accounts/data/", "Your data"),
]


def heading(page, text):
    """The page's one h1, and its text."""
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(text)


def in_srgb(image: Image.Image) -> Image.Image:
    """The photo's colours as a browser shows them: from its embedded profile to sRGB."""
    profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
    return ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"))


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean difference of two images' 32 x 32 greys, 0-255: a few for the same picture re-encoded."""
    def small(image):
        return image.convert("L").resize((32, 32))
    return ImageStat.Stat(ImageChops.difference(small(a), small(b))).mean[0]


@pytest.mark.parametrize("locale", LANGUAGES)
def test_settings_on_a_phone(new_context, make_user, output_dir, monkeypatch, locale):
    language = LANGUAGES[locale]
    other = "ru" if language == "en" else "en"
    folder = output_dir / "screens" / language
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("settings.png", "edit-profile.png"):
        (folder / name).unlink(missing_ok=True)
    username = f"mira.{language}"
    make_user(username, display_name="Mira")
    # The live server runs in this process: keep the bytes of each avatar upload as they arrived.
    uploads = []
    avatar_set = account_services.avatar_set

    def keep_upload(*, user, upload):
        uploads.append(upload.read())
        upload.seek(0)
        return avatar_set(user=user, upload=upload)

    monkeypatch.setattr(account_services, "avatar_set", keep_upload)

    page = new_context("phone", locale=locale).new_page()
    page.goto("/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    # The gear in the top bar opens Settings; each section opens, has one h1 and goes back to Settings.
    page.get_by_test_id("settings-link").click()
    expect(page).to_have_url(re.compile(r"/accounts/settings/$"))
    with translation.override(language):
        heading(page, _("Settings"))
        assert small_targets(page) == []
        screenshot(page, folder / "settings.png")
        for testid, path, title in SECTIONS:
            page.get_by_test_id(testid).click()
            expect(page).to_have_url(re.compile(re.escape(path) + "$"))
            heading(page, _(title))
            assert small_targets(page) == [], path
            page.get_by_test_id("back").click()
            expect(page).to_have_url(re.compile(r"/accounts/settings/$"))

    # Language: a choice applies at once (this screen comes back in it) and stays.
    page.get_by_test_id("settings-language").click()
    expect(page.get_by_label(NAMES[language])).to_be_checked()
    page.get_by_label(NAMES[other]).check()
    expect(page.locator("html")).to_have_attribute("lang", other)
    with translation.override(other):
        heading(page, translation.gettext("Language"))
    expect(page.get_by_label(NAMES[other])).to_be_checked()
    page.get_by_label(NAMES[language]).check()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_test_id("back").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    # Edit profile: a photo this browser cannot decode (HEIC) goes up unchanged, for the server to make square.
    page.get_by_test_id("settings-edit-profile").click()
    page.locator("#avatar-input").set_input_files(HEIC)
    expect(page.locator("[data-crop-unsupported]")).to_be_visible()
    stage = page.get_by_test_id("crop-stage")
    expect(stage).to_be_hidden()
    with page.expect_navigation(url=re.compile(r"/accounts/edit/$")):
        page.get_by_test_id("avatar-upload").click()
    assert uploads == [HEIC.read_bytes()]

    # A real photo, turned upright from its EXIF, zoomed to 2x and dragged to its top-left corner.
    page.locator("#avatar-input").set_input_files(PHOTO)
    expect(stage).to_be_visible()
    expect(page.locator("[data-crop-unsupported]")).to_be_hidden()
    page.get_by_test_id("crop-zoom").evaluate("el => { el.value = '2'; el.dispatchEvent(new Event('input')); }")
    box = stage.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + box["width"], y + box["height"], steps=5)
    page.mouse.up()
    screenshot(page, folder / "edit-profile.png")
    with page.expect_navigation(url=re.compile(r"/accounts/edit/$")):
        page.get_by_test_id("avatar-upload").click()
    with translation.override(language):
        expect(page.get_by_test_id("toasts")).to_contain_text(translation.gettext("Profile photo updated."))

    # What went up is the cropped square, not the photo: a 2x zoom of a 450 px wide photo is 225 px.
    [_heic, upload] = uploads
    cropped = Image.open(io.BytesIO(upload))
    assert (cropped.format, cropped.size) == ("JPEG", (225, 225))
    assert not cropped.getexif(), "the cropped upload carries the photo's EXIF"
    photo = Image.open(PHOTO)
    top_left = in_srgb(ImageOps.exif_transpose(photo)).crop((0, 0, 225, 225))
    assert difference(cropped, top_left) < 4
    assert difference(cropped, in_srgb(photo).crop((0, 0, 225, 225))) > 30  # as it would be, ignoring EXIF

    # The new avatar shows on Edit profile and in the bottom navigation.
    avatar = page.locator(".avatar-edit img.avatar")
    expect_loaded_image(avatar)
    served = page.request.get(avatar.get_attribute("src"))
    with Image.open(io.BytesIO(served.body())) as image:
        assert image.width == image.height and difference(image, top_left) < 6
    expect_loaded_image(page.get_by_test_id("nav-profile").locator("img.avatar"))
    # Other tests keep their screenshots in the same folder; these two were made by this run (removed above).
    assert {"edit-profile.png", "settings.png"} <= {p.name for p in folder.glob("*.png")}
    print(f"\nScreenshots ({language}): {folder}")
