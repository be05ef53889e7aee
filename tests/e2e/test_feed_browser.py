"""End-to-end on a phone: the home feed scrolls past two pages, with placeholders and likes."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_browser import log_in, screenshot
from tests.posts_helpers import make_post
from vitrina.accounts.models import User
from vitrina.social import services as social
from vitrina.timeline.tasks import fan_out_now


def test_home_feed_scrolls_past_two_pages(new_context, make_user, output_dir):
    author = make_user("coffee.corner", account_type="business", display_name="Coffee Corner ☕")
    reader = make_user("reader")
    User.objects.filter(pk=reader.pk).update(last_active_at=timezone.now())
    social.follow_create(follower=reader, target=author)
    photos = ("gps_DSCN0010.jpg", "orientation_landscape_1.jpg", "Nikon_D70.jpg")
    for i in range(25):
        post = make_post(author, caption=f"Post number {i} #coffee", photos=(photos[i % 3],))
        fan_out_now(post_id=post.pk, author_id=author.pk)

    page = new_context("phone").new_page()
    log_in(page, "reader")
    posts = page.get_by_test_id("feed-post")
    expect(posts).to_have_count(2)
    expect(posts.first).to_contain_text("Post number 24")
    # Placeholders are painted from the BlurHash until each photo arrives.
    assert page.evaluate("() => document.querySelectorAll('.slide[data-blurhash]').length") == 2
    for expected in (12, 22, 25):
        page.get_by_test_id("feed-more").scroll_into_view_if_needed()
        expect(posts).to_have_count(expected)
    expect(posts.last).to_contain_text("Post number 0")
    expect(page.get_by_test_id("feed-more")).to_have_count(0)
    # Double-tap on a photo in the feed likes that post.
    third = posts.nth(2)
    third.get_by_test_id("carousel").tap()
    third.get_by_test_id("carousel").tap()
    expect(third.get_by_test_id("like-button")).to_have_attribute("data-liked", "true")
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, output_dir / "home-feed-phone.png")
