"""Posts search: captions with every word of the query, newest first, keyset by id."""

from vitrina.core.pagination import Page, decode_cursor, encode_cursor
from vitrina.posts.models import Post
from vitrina.posts.selectors import mark_for_viewer, with_details
from vitrina.search import backends

# Words of a posts query that are used; more only make the query slower.
TERMS_MAX = 8
# Posts are looked for newest first in rounds of growing size (see the backends'
# post_rounds); after POST_ROUNDS a page may be short, with a cursor to go on from.
POST_ROUNDS = 5


def _page_ids(visible, rounds: backends.Rounds, *, limit: int) -> tuple[list[int], int | None]:
    """Up to `limit` visible ids and the id the next page starts below, from at most POST_ROUNDS rounds.

    Visibility is checked on a few ids at a time, newest first, through
    Post.objects.visible_to like everywhere: a join of the author with a short id
    list stays a handful of index look-ups (a long one makes PostgreSQL hash every
    account). Posts the viewer may not see cost time, never a wrong result; if the
    rounds run out first the page is short, and its cursor goes on from there.
    """
    found: list[int] = []
    size = 2 * (limit + 1)
    resume = None
    for _round, (ids, resume) in zip(range(POST_ROUNDS), rounds):
        while ids:
            batch, ids = ids[:size], ids[size:]
            allowed = set(visible.filter(pk__in=batch).values_list("pk", flat=True))
            found += [pk for pk in batch if pk in allowed]
            if len(found) > limit:
                return found[:limit], found[limit - 1]
            size *= backends.POST_CHUNK_GROWTH
        if resume is None:
            return found, None
    return found, resume


def posts_page_ids(*, viewer, q: str, cursor: str | None, limit: int) -> tuple[list[int], int | None]:
    """The ids of one page, visible to the viewer, and the id the next page starts below (None: the last)."""
    terms = q.split()[:TERMS_MAX]
    before = decode_cursor(cursor)
    if not terms:
        return [], None
    rounds = backends.current().post_rounds(terms, before=before, limit=limit)
    return _page_ids(Post.objects.visible_to(viewer), rounds, limit=limit)


def posts_search(*, viewer, q: str, cursor: str | None, limit: int) -> Page:
    """Posts whose caption has every word of q (as word prefixes), newest first, keyset by id."""
    ids, next_id = posts_page_ids(viewer=viewer, q=q, cursor=cursor, limit=limit)
    posts = list(with_details(Post.objects.visible_to(viewer).filter(pk__in=ids)).order_by("-id")) if ids else []
    mark_for_viewer(posts, viewer)
    return Page(items=posts, next_cursor=encode_cursor(next_id) if next_id is not None else None)
