from django.shortcuts import redirect, render

from vitrina.core.htmx import render_htmx
from vitrina.core.pagination import InvalidCursor, Page
from vitrina.feed import selectors
from vitrina.feed.explore.ranking import explore_page

LANDING_PHOTOS = 9  # three rows of three


def landing(request):
    """What a visitor sees at "/": what Vitrina is, public photos from Explore and shops, sign up or log in."""
    photos = explore_page(viewer=None, limit=LANDING_PHOTOS).items
    context = {"page": Page(items=photos, next_cursor=None), "shops": selectors.shops_for_visitors()}
    return render(request, "feed/landing.html", context)


# The first page holds the post a phone shows on opening and the one after it; the rest come
# as the reader scrolls (htmx, or "Show more" without JavaScript), PAGE at a time. With ten
# posts in the first page a phone fetched the photos of five at once, though it shows one:
# browsers load lazy images 1250-2500 px below the screen (bench/pages.py, README).
FIRST_PAGE = 2
PAGE = 10


def home(request):
    if not request.user.is_authenticated:
        return landing(request)
    try:
        cursor = request.GET.get("cursor")
        page = selectors.home_feed(viewer=request.user, cursor=cursor, limit=PAGE if cursor else FIRST_PAGE)
    except InvalidCursor:
        return redirect("web:home")
    context = {"page": page, "newest": page.items[0].pk if page.items else 0}
    if not page.items and not request.GET.get("cursor"):
        context["suggestions"] = selectors.suggested_accounts(viewer=request.user)
    return render_htmx(request, "feed/home.html", "feed/_feed_items.html", context)


def new_posts(request):
    """The "new posts" pill, polled by the home page; empty when there is nothing new."""
    if not request.user.is_authenticated:
        return render(request, "feed/_new_posts.html", {"count": 0})
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        since = 0
    count = selectors.new_posts_count(viewer=request.user, since=since) if since else 0
    return render(request, "feed/_new_posts.html", {"count": count})
