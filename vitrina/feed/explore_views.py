"""The Explore tab: search box, trending hashtags and the ranked grid (infinite scroll with htmx)."""

from django.shortcuts import redirect

from vitrina.core.htmx import render_htmx
from vitrina.core.pagination import InvalidCursor
from vitrina.feed.explore.ranking import explore_page
from vitrina.feed.explore.trending import trending_hashtags

PAGE_SIZE = 24  # eight rows of three
TRENDING_SHOWN = 10


def explore(request):
    try:
        page = explore_page(viewer=request.user, cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    except InvalidCursor:
        return redirect(request.path)
    # An htmx request only asks for the next rows of the grid; the trends are already on screen.
    trending = [] if request.htmx else trending_hashtags(viewer=request.user, limit=TRENDING_SHOWN)
    context = {"page": page, "trending": trending}
    return render_htmx(request, "feed/explore.html", "posts/_grid_items.html", context)
