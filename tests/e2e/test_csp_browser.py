"""End-to-end under the Content-Security-Policy: the main pages work and break no rule; a violation is reported.

Over plain HTTP the policy names only report-uri, which Chrome posts at once.
"""

import logging
import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_browser import DATA, expect_loaded_image, log_in
from tests.posts_helpers import make_post
from vitrina.accounts.models import User
from vitrina.posts.models import Comment, Like, Post
from vitrina.social import services as social
from vitrina.timeline.tasks import fan_out_now

REPORT_WAIT_MS = 10_000


def watch_csp(page, violations):
    """Chrome logs every blocked script, style, image or frame to the console."""
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(
        f"{page.url}: {message.text}"))


def csp_records(caplog):
    return [record for record in caplog.records if record.name == "vitrina.csp"]


def wait_for_report(page, caplog, count=1):
    for _ in range(REPORT_WAIT_MS // 100):
        if len(csp_records(caplog)) >= count:
            return csp_records(caplog)
        page.wait_for_timeout(100)
    raise AssertionError(f"no CSP report logged within {REPORT_WAIT_MS} ms")


def test_main_pages_work_under_the_policy_and_a_violation_is_reported(new_context, make_user, caplog):
    caplog.set_level(logging.WARNING, logger="vitrina.csp")
    author = make_user("lens.studio", account_type="creator", display_name="Lens Studio")
    reader = make_user("csp.reader", display_name="Читатель")
    staff = make_user("site.staff")
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    User.objects.filter(pk=reader.pk).update(last_active_at=reader.date_joined)
    social.follow_create(follower=reader, target=author)
    carousel_post = make_post(author, caption="Three frames #citylights",
                              photos=("gps_DSCN0010.jpg", "orientation_landscape_1.jpg", "Nikon_D70.jpg"))
    fan_out_now(post_id=carousel_post.pk, author_id=author.pk)
    own_post = make_post(reader, caption="To be deleted")

    violations = []
    page = new_context("phone").new_page()
    watch_csp(page, violations)

    # Log in, then the home feed: the carousel paints placeholders and a like goes through htmx.
    log_in(page, "csp.reader")
    card = page.get_by_test_id("feed-post").filter(has_text="Three frames")
    expect_loaded_image(card.locator("figure img").first)
    card.get_by_test_id("like-button").click()
    expect(card.get_by_test_id("like-button")).to_have_attribute("data-liked", "true")
    assert Like.objects.filter(post=carousel_post, user=reader).exists()

    # The post page: swipe the carousel, unlike and like again, comment, reply (the form resets each time).
    page.goto(f"/p/{carousel_post.pk}/")
    # The slides lost their style="aspect-ratio: w / h" (blocked by the policy): they lay out as they did
    # with it, from the photos' width and height attributes, whether a photo has loaded yet or not.
    boxes = """slides => slides.map(slide => { const b = slide.getBoundingClientRect(); return [b.width, b.height]; })"""
    slides = page.get_by_test_id("carousel").locator(".slide")
    without = slides.evaluate_all(boxes)
    slides.evaluate_all("""slides => slides.forEach(slide => { const img = slide.querySelector("img");
        slide.style.aspectRatio = img.getAttribute("width") + " / " + img.getAttribute("height"); })""")
    assert slides.evaluate_all(boxes) == without and len(without) == 3 and without[0][1] > 100, without
    track = page.get_by_test_id("carousel").locator(".carousel-track")
    track.evaluate("t => t.scrollTo({left: t.clientWidth})")
    expect(page.locator(".dot").nth(1)).to_have_class(re.compile(r"\bactive\b"))
    page.get_by_test_id("like-button").click()
    expect(page.get_by_test_id("like-button")).to_have_attribute("data-liked", "false")
    page.get_by_test_id("like-button").click()
    expect(page.get_by_test_id("like-button")).to_have_attribute("data-liked", "true")
    page.locator("#comment-text").fill("Красиво")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-list")).to_contain_text("Красиво")
    expect(page.locator("#comment-text")).to_have_value("")
    page.get_by_test_id("comment").first.locator(".reply-link").click()
    expect(page.locator("#comment-text")).to_have_value("@csp.reader ")
    page.locator("#comment-text").press_sequentially("спасибо")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-list")).to_contain_text("@csp.reader спасибо")
    expect(page.locator("#comment-text")).to_have_value("")
    expect(page.locator(".comment-form [name=reply_to]")).to_have_value("")
    reply = Comment.objects.get(text="@csp.reader спасибо")
    assert reply.reply_to.text == "Красиво"

    # Explore and search: the search box asks for results as one types (htmx, with a delay).
    page.get_by_role("link", name="Explore").click()
    expect(page).to_have_url(re.compile(r"/explore/$"))
    page.get_by_test_id("search-box").locator("input[type=search]").fill("lens")
    expect(page.locator(".search-results")).to_contain_text("lens.studio")

    # A profile, its grid; edit profile and its photo crop; Settings -> Language submits itself on a choice.
    page.goto("/lens.studio/")
    expect(page.get_by_test_id("grid-item")).to_have_count(1)
    page.goto("/accounts/edit/")
    expect(page.get_by_label("Name:")).to_have_value("Читатель")
    page.locator("#avatar-input").set_input_files(DATA / "orientation_portrait_6.jpg")
    expect(page.get_by_test_id("crop-stage")).to_be_visible()
    page.goto("/accounts/settings/language/")
    page.get_by_label("Русский").check()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_label("English").check()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The new post form: previews of the chosen photos are blob: images.
    page.goto("/create/")
    page.locator("#images-input").set_input_files([DATA / "gps_DSCN0010.jpg", DATA / "Nikon_D70.jpg"])
    previews = page.get_by_test_id("previews").locator("li img")
    expect(previews).to_have_count(2)
    expect_loaded_image(previews.first)

    # Deleting a post asks first (no inline onsubmit any more): dismissing keeps it, accepting deletes it.
    page.goto(f"/p/{own_post.pk}/edit/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("delete-post").click()
    page.wait_for_load_state()
    assert Post.objects.filter(pk=own_post.pk).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("delete-post").click()
    expect(page).not_to_have_url(re.compile(r"/edit/$"))
    assert not Post.objects.filter(pk=own_post.pk).exists()

    # The admin: its log-in, the account list with its actions, an account's change form.
    admin = new_context("desktop").new_page()
    watch_csp(admin, violations)
    admin.goto("/admin/login/")
    admin.locator("#id_username").fill("site.staff")
    admin.locator("#id_password").fill(PASSWORD)
    admin.locator("input[type=submit]").click()
    expect(admin).to_have_url(re.compile(r"/admin/$"))
    admin.goto("/admin/accounts/user/")
    expect(admin.locator("#result_list")).to_contain_text("lens.studio")
    admin.locator("select[name=action]").select_option("suspend")
    admin.goto(f"/admin/accounts/user/{author.pk}/change/")
    expect(admin.locator("#id_username")).to_have_value("lens.studio")

    # The API docs: Swagger UI draws the operations from the OpenAPI document.
    admin.goto("/api/vitrina/v1/docs")
    expect(admin.locator(".opblock").first).to_be_visible()
    expect(admin.locator("#swagger-ui")).to_contain_text("/auth/token")

    assert not violations, "\n".join(violations)
    assert not csp_records(caplog), [r.getMessage() for r in csp_records(caplog)]

    # A deliberate violation: an inline script is blocked, the page hears of it, and the server logs it.
    page.goto("/explore/")
    heard = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener("securitypolicyviolation", e => resolve(e.effectiveDirective), {once: true});
        const script = document.createElement("script");
        script.textContent = "window.cspInlineRan = true";
        document.head.appendChild(script);
    })""")
    assert heard == "script-src-elem"
    assert page.evaluate("() => window.cspInlineRan") is None
    (record,) = wait_for_report(page, caplog)
    assert record.csp["directive"] == "script-src-elem"
    assert record.csp["blocked"] == "inline"
    assert record.csp["document"].endswith("/explore/")
    assert "CSP violation" in record.getMessage()
