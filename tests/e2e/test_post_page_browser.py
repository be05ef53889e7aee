"""End-to-end on a phone, once per language: the post page (a carousel of mixed shapes in one frame,
the fixed comment box, the ⋯ sheet: copy link, share, report) and a post made in a square frame
(placing, reordering and removing photos), then deleted from its sheet.

Screenshots go to test-output/screens/<language>/ (post.png, create.png); the test prints the folder.
"""

import io
import re

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import expect

from tests.e2e.conftest import OUTPUT_DIR
from tests.e2e.helpers import log_in
from tests.e2e.test_browser import DATA, expect_loaded_image, po_translation
from tests.e2e.test_tap_targets import small_targets
from tests.posts_helpers import make_post
from vitrina.posts import services
from vitrina.posts.models import Post, PostReport

# A stand-in for the phone's share sheet (desktop Linux Chromium has none): it records what was shared.
FAKE_SHARE = "navigator.share = data => { window.sharedData = data; return Promise.resolve(); };"

# The rendered box of each photo and of the carousel's frame, in CSS pixels.
BOXES = """carousel => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  const track = carousel.querySelector(".carousel-track");
  const photos = [...track.querySelectorAll("img")].map(img => [...box(img), getComputedStyle(img).objectFit]);
  return { frame: box(track), photos: photos };
}"""


def dark_edge(png: bytes) -> float:
    """The brightness (0-255) of the darker of the outer columns of a screenshot: bars would be black."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    strip = max(2, width // 25)
    edges = ((0, 0, strip, height), (width - strip, 0, width, height))
    return min(ImageStat.Stat(image.crop(box)).mean[0] for box in edges)


def translated(language, msgid):
    return msgid if language == "en" else po_translation(language, msgid)


def phone_screenshot(page, path):
    """The whole page as a phone taller than the page would show it: fixed bars at the bottom, where they are."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        f"{page.url} scrolls sideways")
    viewport = page.viewport_size
    page.set_viewport_size({"width": viewport["width"],
                            "height": page.evaluate("() => document.documentElement.scrollHeight")})
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    assert path.stat().st_size > 0


def file_names(page):
    return page.locator("#images-input").evaluate("input => [...input.files].map(file => file.name)")


@pytest.mark.parametrize("locale", ["en-US", "ru-RU", "bn-BD"])
def test_post_page_sheet_comment_bar_and_square_post(new_context, make_user, locale):
    language = locale[:2]
    screens = OUTPUT_DIR / "screens" / language
    screens.mkdir(parents=True, exist_ok=True)
    print(f"\nScreenshots ({locale}): {screens}")
    make_user("mira.photos")
    author = make_user("lens.studio")
    # Landscape first, portrait second: the carousel takes the first one's 4:3 frame.
    theirs = make_post(author, caption="Two shapes",
                       photos=("orientation_landscape_1.jpg", "orientation_portrait_6.jpg"))
    for number in range(12):
        services.comment_create(author=author, post=theirs, text=f"Comment number {number}")

    context = new_context("phone", locale=locale)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, "mira.photos")

    # --- Someone else's post ---
    page.goto(f"/p/{theirs.pk}/")
    # Where the browser has no share sheet, the menu offers none.
    menu = page.get_by_test_id("post-menu")
    menu.get_by_test_id("post-menu-button").click()
    expect(menu.get_by_test_id("copy-link")).to_be_visible()
    expect(menu.get_by_test_id("share-post")).to_be_hidden()
    context.add_init_script(FAKE_SHARE)
    page.reload()
    carousel = page.get_by_test_id("carousel")
    for image in carousel.locator("img").all():
        expect_loaded_image(image)
    boxes = carousel.evaluate(BOXES)
    frame_width, frame_height = boxes["frame"]
    assert frame_width == pytest.approx(390, abs=1) and frame_width / frame_height == pytest.approx(4 / 3, rel=0.02)
    for width, height, fit in boxes["photos"]:
        assert (width, height, fit) == (pytest.approx(frame_width, abs=1), pytest.approx(frame_height, abs=1), "cover")
    # The portrait photo, swiped to, fills the frame to its edges: no black bars beside it.
    track = carousel.locator(".carousel-track")
    track.evaluate("t => t.scrollTo({left: t.clientWidth})")
    expect(page.locator(".dot").nth(1)).to_have_class(re.compile(r"\bactive\b"))
    page.wait_for_function("t => Math.abs(t.scrollLeft - t.clientWidth) < 2", arg=track.element_handle())
    assert dark_edge(track.screenshot()) > 25

    # The comment box stays right above the bottom navigation; the last comment scrolls clear of it.
    bar, nav = page.get_by_test_id("comment-bar"), page.locator(".bottom-nav")
    assert bar.evaluate("el => getComputedStyle(el).position") == "fixed"
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] == pytest.approx(nav.bounding_box()["y"], abs=1)
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.get_by_test_id("comment").last
    expect(last).to_contain_text("Comment number 11")
    assert last.bounding_box()["y"] + last.bounding_box()["height"] <= bar.bounding_box()["y"] + 1
    page.locator("#comment-text").fill("Красота ✨")
    page.get_by_test_id("comment-submit").click()
    added = page.get_by_test_id("comment").last
    expect(added).to_contain_text("Красота ✨")
    expect(added).to_be_in_viewport()
    assert added.bounding_box()["y"] + added.bounding_box()["height"] <= bar.bounding_box()["y"] + 1

    # ⋯: Copy link puts the post's address on the clipboard and says so.
    menu.get_by_test_id("post-menu-button").click()
    expect(menu.get_by_test_id("edit-post")).to_have_count(0)  # not the viewer's post
    menu.get_by_test_id("copy-link").click()
    expect(page.get_by_test_id("toasts")).to_contain_text(translated(language, "Link copied"))
    expect(menu).not_to_have_attribute("open", "")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    # Share hands the same address to the phone's share sheet.
    menu.get_by_test_id("post-menu-button").click()
    menu.get_by_test_id("share-post").click()
    assert page.evaluate("() => window.sharedData.url") == page.url
    # Report: a reason, sent; the sheet says thanks.
    menu.get_by_test_id("post-menu-button").click()
    menu.get_by_test_id("report-post").click()
    expect(menu.get_by_test_id("copy-link")).to_be_hidden()  # the step takes the sheet's place
    menu.locator("label:has(input[value=spam])").click()
    menu.get_by_test_id("send-report").click()
    expect(menu.get_by_test_id("report-done")).to_be_visible()
    assert PostReport.objects.filter(post=theirs, reporter__username="mira.photos", reason="spam").exists()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    menu.get_by_test_id("post-menu-button").click()
    expect(menu.get_by_test_id("copy-link")).to_be_visible()  # from its list again, not inside the report step
    page.keyboard.press("Escape")
    page.evaluate("() => window.scrollTo(0, 0)")
    phone_screenshot(page, screens / "post.png")

    # --- A new post in a square frame ---
    page.goto("/create/")
    share = page.get_by_test_id("share")
    expect(share).to_be_disabled()
    page.get_by_test_id("frame-square").click()
    page.locator("#images-input").set_input_files(
        [DATA / "orientation_landscape_1.jpg", DATA / "gps_DSCN0010.jpg", DATA / "orientation_portrait_6.jpg"])
    rows = page.get_by_test_id("preview")
    expect(rows).to_have_count(3)
    expect(share).to_be_enabled()
    crops = page.locator("input[name=crop]")
    # A 4:3 photo in a square frame: three quarters of its width, centred, until it is dragged.
    expect(crops.nth(0)).to_have_value("0.125000,0.000000,0.750000,1.000000")
    stage = page.get_by_test_id("crop-stage")
    expect(stage).to_be_visible()
    box = stage.bounding_box()
    assert box["width"] == pytest.approx(box["height"], abs=1)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    x, y, width, height = (float(n) for n in crops.nth(0).input_value().split(","))
    assert x < 0.125 and (y, width, height) == (0, 0.75, 1)
    # Reorder: the third photo dragged by its handle onto the first; then the first moved down a place.
    page.get_by_test_id("drag-handle").nth(2).drag_to(rows.nth(0))
    assert file_names(page) == ["orientation_portrait_6.jpg", "orientation_landscape_1.jpg", "gps_DSCN0010.jpg"]
    rows.nth(0).locator("[data-action=down]").click()
    assert file_names(page) == ["orientation_landscape_1.jpg", "orientation_portrait_6.jpg", "gps_DSCN0010.jpg"]
    # The dragged position stayed with its photo.
    expect(crops.nth(0)).to_have_value(f"{x:.6f},0.000000,0.750000,1.000000")
    rows.nth(1).locator("[data-action=remove]").click()
    expect(rows).to_have_count(2)
    assert file_names(page) == ["orientation_landscape_1.jpg", "gps_DSCN0010.jpg"]
    rows.nth(1).locator("input[name=alt_text]").fill("A bay with boats")
    assert small_targets(page) == []
    phone_screenshot(page, screens / "create.png")
    share.click()

    expect(page).to_have_url(re.compile(r"/p/\d+/$"))
    post = Post.objects.get(author__username="mira.photos")
    media = list(post.media.all())
    assert [(m.width, m.height) for m in media] == [(450, 450), (480, 480)]
    assert [m.alt_text for m in media] == ["", "A bay with boats"]
    assert page.get_by_test_id("carousel").evaluate(BOXES)["frame"] == [pytest.approx(390, abs=1)] * 2

    # The owner's ⋯: Edit, and Delete, which asks inside the sheet first. Once the page's scripts have run:
    # before them the sheet has no Share entry, and its appearing moved Delete under a tap already aimed.
    page.wait_for_load_state("load")
    menu = page.get_by_test_id("post-menu")
    menu.get_by_test_id("post-menu-button").click()
    expect(menu.get_by_test_id("edit-post")).to_be_visible()
    expect(menu.get_by_test_id("report-post")).to_have_count(0)
    menu.get_by_test_id("delete-post").click()
    confirm = menu.get_by_test_id("confirm-delete")
    expect(confirm).to_be_visible()
    assert Post.objects.filter(pk=post.pk).exists()
    confirm.click()
    expect(page).to_have_url(re.compile(r"/mira\.photos/$"))
    assert not Post.objects.filter(pk=post.pk).exists()
