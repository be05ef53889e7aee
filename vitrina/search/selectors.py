"""Search for accounts, hashtags, posts and products: a few indexed queries each, never a scan.

The entry points the pages and the API call: they clean the query and the limit,
and hand it to the module of the kind asked for (accounts, hashtags, posts), which
asks the database's backend (backends.py) for the engine-specific part.
Everything found goes through the same visibility rule as the rest of Vitrina
(vitrina.social.visibility: accounts_listed, Post.objects.visible_to and Product.objects.visible_to).
"""

import unicodedata

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.core.errors import InvalidInput
from vitrina.core.pagination import Page, encode_cursor
from vitrina.posts.cards import fresh_rows, page_json
from vitrina.search.accounts import accounts_search
from vitrina.search.hashtags import hashtags_search
from vitrina.search.posts import posts_page_ids, posts_search
from vitrina.search.products import products_search
from vitrina.social import visibility

QUERY_MAX = 100
DEFAULT_LIMIT = 20
LIMIT_MAX = 50


class SearchType(models.TextChoices):
    ACCOUNTS = "accounts", gettext_lazy("Accounts")
    HASHTAGS = "hashtags", gettext_lazy("Hashtags")
    POSTS = "posts", gettext_lazy("Posts")
    PRODUCTS = "products", gettext_lazy("Products")


def clean_query(q: str | None) -> str:
    """The query as searched: NFC, no control characters, no outer space, at most QUERY_MAX."""
    text = unicodedata.normalize("NFC", q or "")
    # A NUL cannot go to PostgreSQL at all; other control characters are never meant.
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text).strip()
    if len(text) > QUERY_MAX:
        message = _("Search for at most %(max)s characters.") % {"max": QUERY_MAX}
        raise InvalidInput(message, fields={"q": [message]})
    return text


def clamp_limit(limit: int | None) -> int:
    return DEFAULT_LIMIT if limit is None else max(1, min(int(limit), LIMIT_MAX))


def search(*, viewer, q: str | None, kind: str, cursor: str | None = None, limit: int | None = None) -> Page:
    """One page of results of the kind asked for; an empty query finds nothing."""
    if kind not in SearchType.values:
        message = _("Search for accounts, hashtags, posts or products.")
        raise InvalidInput(message, fields={"type": [message]})
    text = clean_query(q)
    limit = clamp_limit(limit)
    if kind == SearchType.POSTS:
        return posts_search(viewer=viewer, q=text, cursor=cursor, limit=limit)
    if kind == SearchType.PRODUCTS:
        return products_search(viewer=viewer, q=text, cursor=cursor, limit=limit)
    # Ranked lists, not keyset-ordered: only the first page is served, which is what
    # a search box shows; next_cursor is always null for them.
    if kind == SearchType.HASHTAGS:
        return Page(items=hashtags_search(viewer=viewer, q=text, limit=limit), next_cursor=None)
    return Page(items=accounts_search(viewer=viewer, q=text, limit=limit), next_cursor=None)


def posts_search_json(*, viewer, q: str | None, cursor: str | None = None, limit: int | None = None) -> str:
    """The same page as the API shows it (a PostList as JSON text), from the card cache."""
    ids, next_id = posts_page_ids(viewer=viewer, q=clean_query(q), cursor=cursor, limit=clamp_limit(limit))
    # The ids were just filtered by Post.objects.visible_to (posts_page_ids); fresh_rows checks
    # the authors' activity again.
    rows = fresh_rows(visibility.posts_checked(ids))
    return page_json(viewer=viewer, rows=[rows[pk] for pk in ids if pk in rows],
                     next_cursor=encode_cursor(next_id) if next_id is not None else None)
