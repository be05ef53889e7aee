"""Posts that were not fanned out, as the home feed reads them: mostly from the cache.

Every feed read merges in the recent posts of the very large accounts the reader
follows, but the table changes only when such an account posts or deletes. So the
cache holds which accounts have pulled posts (one key) and each one's newest post
ids (a key per account); writers drop the keys after commit, and a reader rebuilds
a missing key from the table. A page older than what the cache keeps is read from
the table.
"""

import logging
from functools import partial

from django.core.cache import cache
from django.db import transaction
from redis import RedisError

from vitrina.timeline.models import PulledPost

log = logging.getLogger(__name__)

AUTHORS_KEY = "pulled:authors"
# Newest ids kept per account: a few pages' worth; scrolling deeper reads the table.
RECENT = 200
# A reader that rebuilt a key just before a writer's commit may store it stale, after
# the writer dropped it; the TTL bounds how long that can last.
TTL = 60


def _recent_key(author_id: int) -> str:
    return f"pulled:{author_id}"


def _authors_with_pulled_posts() -> set[int]:
    authors = cache.get(AUTHORS_KEY)
    if authors is None:
        authors = set(PulledPost.objects.values_list("author_id", flat=True).distinct())
        cache.set(AUTHORS_KEY, authors, TTL)
    return authors


def _recent_of(author_ids: list[int]) -> dict[int, list[int]]:
    keys = {_recent_key(a): a for a in author_ids}
    found = {keys[key]: ids for key, ids in cache.get_many(list(keys)).items()}
    fresh = {}
    for author_id in author_ids:
        if author_id not in found:
            found[author_id] = list(PulledPost.objects.filter(author_id=author_id)
                                    .order_by("-post_id").values_list("post_id", flat=True)[:RECENT])
            fresh[_recent_key(author_id)] = found[author_id]
    if fresh:
        cache.set_many(fresh, TTL)
    return found


def _query(authors, *, before: int | None, count: int) -> list[tuple[int, int]]:
    rows = PulledPost.objects.filter(author_id__in=authors)
    if before is not None:
        rows = rows.filter(post_id__lt=before)
    return list(rows.order_by("-post_id").values_list("post_id", "author_id")[:count])


def pulled_ids(authors: set[int], *, before: int | None, count: int) -> list[tuple[int, int]]:
    """(post id, author id) of the newest pulled posts of `authors`, older than `before`, newest first."""
    followed = sorted(authors & _authors_with_pulled_posts())
    if not followed:
        return []
    rows = []
    for author_id, ids in _recent_of(followed).items():
        older = [pid for pid in ids if before is None or pid < before]
        if len(ids) == RECENT and len(older) < count:
            # This account's cached ids may end before the page does.
            return _query(followed, before=before, count=count)
        rows.extend((pid, author_id) for pid in older[:count])
    rows.sort(reverse=True)
    return rows[:count]


def _forget(author_id: int) -> None:
    try:
        cache.delete_many([AUTHORS_KEY, _recent_key(author_id)])
    except RedisError:
        # Redis is down: the fan-out must not fail for it; the keys expire within TTL.
        log.warning("pulled posts of %s not dropped from the cache: Redis did not answer", author_id)


def forget(author_id: int) -> None:
    """Called by whoever adds or removes an account's pulled posts."""
    # Now, and again after commit: a reader between the two could cache the old ids.
    _forget(author_id)
    transaction.on_commit(partial(_forget, author_id))
