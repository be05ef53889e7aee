"""Every control on the main pages is a real tap target on a phone, in English, Russian and Bengali,
and every page has one h1.

A control (link, button, field, summary, choice) is at least 44 x 44 CSS pixels, the size that
Apple's and Google's guidelines and WCAG 2.5.5 ask for. The one exception is WCAG's own: a link
inside a sentence (a #hashtag or @mention in a caption), whose size is the text's.
"""

import pytest

from tests.demo_snapshot import seed_demo
from tests.e2e.helpers import DEMO_MEMBER as MEMBER
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


# Visible controls smaller than the minimum, described for the failure message.
SMALL_TARGETS = """(minimum) => {
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], label:has(input[type=radio]), label:has(input[type=checkbox])');
  const inSentence = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    // Text around the link in its block: it is part of a sentence (WCAG 2.5.8's inline exception).
    const block = el.parentElement.closest('p, li, dd, td, span.comment-text') || el.parentElement;
    return block.textContent.replace(el.textContent, '').trim().length > 0;
  };
  const visible = el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    // A visually hidden input's tap target is its label, checked on its own.
    if (el.matches('input') && (r.width <= 1 || r.height <= 1 || style.opacity === '0')) return false;
    // So is the label around a radio or checkbox.
    if (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) return false;
    return !el.closest('details:not([open]) > :not(summary)');
  };
  return [...controls].filter(visible).filter(el => !inSentence(el)).filter(el => {
    const r = el.getBoundingClientRect();
    return r.width < minimum - 0.5 || r.height < minimum - 0.5;
  }).map(el => {
    const r = el.getBoundingClientRect();
    const name = (el.getAttribute('aria-label') || el.textContent || el.name || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`;
  });
}"""


def screen_name(who, path):
    """("member", "/p/12/likes/") -> "member-post-likes": a stable file name for the page's screenshot."""
    route, _, query = path.partition("?")
    words = {"p": "post", MEMBER: "own-profile", "coffee.corner": "shop-profile"}
    parts = [words.get(part, part) for part in route.strip("/").split("/") if part not in ("", "accounts") and not part.isdigit()]
    if "type=" in query:
        parts.append(query.split("type=")[1])
    return "-".join([who] + (parts or ["home"]))


def small_targets(page):
    found = page.evaluate(SMALL_TARGETS, 44)
    # One h1 per page names the screen for screen readers (it may be visually hidden).
    headings = page.locator("h1").count()
    if headings != 1:
        found.append(f"{headings} h1 elements")
    return found


LOCALES = ("en-US", "ru-RU", "bn-BD")


def test_every_control_is_a_tap_target(new_context, save_screen):
    # The demo is seeded once for the three languages: each page is read in each of them.
    seed_demo()
    from vitrina.posts.models import Post

    post = Post.objects.filter(author__username="coffee.corner").order_by("pk").first()
    public_pages = ["/", "/accounts/login/", "/accounts/signup/", "/explore/", "/coffee.corner/", f"/p/{post.pk}/"]
    member_pages = [
        "/", "/explore/", f"/{MEMBER}/", "/coffee.corner/", f"/p/{post.pk}/", f"/p/{post.pk}/likes/", "/create/",
        "/accounts/edit/", f"/{MEMBER}/followers/", "/accounts/saved/", "/explore/search/?q=coffee", "/explore/search/?q=coffee&type=hashtags",
        "/shop/",
    ]
    problems = {}
    for locale in LOCALES:
        visitor = new_context("phone", locale=locale).new_page()
        for path in public_pages:
            visitor.goto(path)
            problems[f"{locale} visitor {path}"] = small_targets(visitor)
            save_screen(visitor, screen_name("visitor", path))
        member = new_context("phone", locale=locale).new_page()
        log_in(member)
        for path in member_pages:
            member.goto(path)
            problems[f"{locale} member {path}"] = small_targets(member)
            save_screen(member, screen_name("member", path))
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, "Controls under 44x44 px, or not one h1:\n" + "\n".join(f"{page}: {found}" for page, found in problems.items())
