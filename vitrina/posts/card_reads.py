"""Reads of posts that answer the native API from the post card cache (vitrina.posts.cards).

The same permission checks as vitrina.posts.selectors (which serves the pages, with model
objects); here a read checks ids by the rule and renders cached cards, which made the most read
lists several times cheaper than serialising models through the schemas (bench/feed.py).
"""

from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import NotFound
from vitrina.core.pagination import clamp_limit, decode_cursor, encode_cursor
from vitrina.posts.cards import fresh_rows, page_json, post_json
from vitrina.posts.models import Post
from vitrina.posts.selectors import not_available
from vitrina.social import visibility


def _ids_page(queryset, *, cursor: str | None, limit: int | None) -> tuple[list[int], str | None]:
    """Ids newest first, limit + 1 read to know whether another page exists."""
    limit = clamp_limit(limit)
    before = decode_cursor(cursor)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    ids = list(queryset.order_by("-pk").values_list("pk", flat=True)[: limit + 1])
    more = len(ids) > limit
    ids = ids[:limit]
    return ids, encode_cursor(ids[-1]) if more and ids else None


def _page(*, viewer, ids: list[int], next_cursor: str | None) -> str:
    # The ids were just filtered by Post.objects.visible_to; fresh_rows checks the authors' activity again.
    rows = fresh_rows(visibility.posts_checked(ids))
    return page_json(viewer=viewer, rows=[rows[pk] for pk in ids if pk in rows], next_cursor=next_cursor)


def post_get_json(*, viewer, post_id: int) -> tuple[str, int]:
    """GET /posts/{id}: the post as PostOut JSON text and its author's id (the caller counts the view),
    or NotFound when the viewer may not see it."""
    found = dict(Post.objects.visible_to(viewer).filter(pk=post_id).values_list("pk", "author_id"))
    rows = fresh_rows(visibility.posts_checked(list(found)))
    text = post_json(viewer=viewer, row=rows[post_id]) if post_id in rows else None
    if text is None:
        raise not_available()
    return text, found[post_id]


def posts_of_json(*, viewer, author: User, cursor: str | None = None, limit: int | None = None) -> str:
    """The profile grid as a PostList in JSON text (see selectors.posts_of)."""
    if not visibility.sees_content(viewer, author):
        raise NotFound(_("This account does not exist."))
    ids, next_cursor = _ids_page(Post.objects.visible_to(viewer).filter(author=author), cursor=cursor, limit=limit)
    return _page(viewer=viewer, ids=ids, next_cursor=next_cursor)
