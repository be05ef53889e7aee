"""End-to-end on a phone: create a three-photo post, like it by double-tap, comment."""

import re

from playwright.sync_api import expect

from tests.e2e.test_browser import DATA, expect_loaded_image, log_in, screenshot
from vitrina.posts.models import Like, Post


def test_create_carousel_double_tap_like_and_comment(new_context, make_user, output_dir):
    make_user("mira.photos", display_name="Мира")
    page = new_context("phone").new_page()
    log_in(page, "mira.photos")

    page.get_by_role("link", name="Create").click()
    expect(page).to_have_url(re.compile(r"/create/$"))
    page.locator("#images-input").set_input_files(
        [DATA / "orientation_landscape_1.jpg", DATA / "gps_DSCN0010.jpg", DATA / "orientation_portrait_6.jpg"])
    previews = page.get_by_test_id("previews").locator("li")
    expect(previews).to_have_count(3)
    # Move the first photo one place to the right, then describe the photo now first.
    previews.nth(0).get_by_role("button", name="Move down").click()
    previews.nth(0).locator("input[name=alt_text]").fill("A bay with boats")
    page.get_by_label("Caption").fill("Три кадра за день #москва #কলকাতা @nobody")
    page.get_by_label("Location").fill("Москва")
    screenshot(page, output_dir / "create-phone.png")
    page.get_by_test_id("share").click()

    expect(page).to_have_url(re.compile(r"/p/\d+/$"))
    post = Post.objects.get()
    slides = page.get_by_test_id("carousel").locator("figure")
    expect(slides).to_have_count(3)
    expect_loaded_image(slides.nth(0).locator("img"))
    media = list(post.media.all())
    assert [m.alt_text for m in media] == ["A bay with boats", "", ""]
    assert media[0].width == 640  # gps_DSCN0010 (640x480) is first after the move
    expect(page.get_by_test_id("caption")).to_contain_text("#москва")

    # Double-tap on the photo likes it; the heart and the count change without a reload.
    carousel = page.get_by_test_id("carousel")
    carousel.tap()
    carousel.tap()
    expect(page.get_by_test_id("like-button")).to_have_attribute("data-liked", "true")
    expect(page.get_by_test_id("like-count")).to_have_text(re.compile(r"^\s*1 like\s*$"))
    assert Like.objects.filter(post=post).count() == 1
    # Double-tapping again never unlikes.
    carousel.tap()
    carousel.tap()
    expect(page.get_by_test_id("like-button")).to_have_attribute("data-liked", "true")

    page.locator("#comment-text").fill("Красота! ✨")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-list")).to_contain_text("Красота! ✨")
    expect(page.locator("#comment-text")).to_have_value("")

    page.reload()
    expect(page.get_by_test_id("like-button")).to_have_attribute("data-liked", "true")
    expect(page.get_by_test_id("comment-list")).to_contain_text("Красота! ✨")
    # Swipe to the second photo: the dots follow.
    page.get_by_test_id("carousel").locator(".carousel-track").evaluate("t => t.scrollTo({left: t.clientWidth})")
    expect(page.locator(".dot").nth(1)).to_have_class(re.compile(r"\bactive\b"))
    screenshot(page, output_dir / "post-phone.png")

    page.goto("/mira.photos/")
    expect(page.get_by_test_id("grid-item")).to_have_count(1)
    expect(page.get_by_test_id("posts-count")).to_have_text("1")
    screenshot(page, output_dir / "profile-grid-phone.png")
