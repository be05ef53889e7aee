from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from vitrina.core.errors import InvalidInput
from vitrina.core.htmx import render_htmx
from vitrina.core.pagination import InvalidCursor, Page
from vitrina.search import selectors
from vitrina.search.selectors import SearchType

PAGE_SIZE = 24  # eight rows of three in the posts grid


def _search_url(**params) -> str:
    return f"{reverse('search:search')}?{urlencode(params)}"


def search(request):
    """The search page; htmx requests (typing in the box, "Show more") get only the results."""
    q = request.GET.get("q", "")
    kind = request.GET.get("type", "")
    # A page is forgiving where the API is strict: an unknown tab shows accounts.
    if kind not in SearchType.values:
        kind = SearchType.ACCOUNTS
    cursor = request.GET.get("cursor") or None
    page, error, status = Page(items=[], next_cursor=None), None, 200
    try:
        page = selectors.search(viewer=request.user, q=q, kind=kind, cursor=cursor, limit=PAGE_SIZE)
    except InvalidCursor:
        return redirect(_search_url(q=q, type=kind))
    except InvalidInput as exc:
        error = exc.message
        # htmx does not swap a 4xx response in, and the message should show under the box.
        status = 200 if request.htmx else 422
    context = {
        "q": q,
        "type": kind,
        "page": page,
        "error": error,
        # posts/_grid_items.html links "?cursor=" relative to the current URL, which
        # would drop q and type (and on Explore, where the box also lives, point at
        # Explore itself): the grid gets the items only, _results.html its own link.
        "grid_page": Page(items=page.items, next_cursor=None),
        "more_url": _search_url(q=q, type=kind, cursor=page.next_cursor) if page.next_cursor else None,
        # htmx asking for the next posts gets the new grid items alone, to append.
        "more": bool(cursor and request.htmx and kind == SearchType.POSTS),
    }
    return render_htmx(request, "search/results.html", "search/_results.html", context, status=status)
