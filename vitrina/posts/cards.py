"""Post cards for lists that are read far more than written (the home feed, post search).

A card is a post's stable part as plain data, named after the models and shaped for no API:
id, caption, location, hashtag names, mentioned usernames, comments_enabled, created_at,
updated_at, the post's path, its media (id, width, height, blurhash, alt_text and signed
URLs by size and format) and its product tags (Post.product_tags as the shop wrote it: the
shop bumps updated_at with every change of it, so a card never shows an old price). It is built from the models once per post version and kept in the
cache (CARD_TTL). What changes often or depends on the reader is never in it: the author's name
and avatar and the counters come fresh with the ids (fresh_rows, in the statement that checks
the authors' activity), the reader's likes and saves from one more statement (marks).

An API renders a card's stable part once per post version and keeps that text beside the card
(renderings); a read appends to it the fields of the fresh row and the marks. A page of 20
posts then costs one query for the posts, one for the reader's marks and one cache round trip,
instead of five queries and twenty serialisations. The native API's rendering is
vitrina.posts.native_json; page_json below, the entry point the feed and search call, joins
the pieces.

A Mastodon-compatible API would render its Status from the same card, fresh row and marks,
with its own name in renderings: id, created_at and media_attachments from the card (type
"image", url and preview_url picked among the sizes, meta from width and height, description
from alt_text, blurhash as is), content as HTML made from the caption with links for its
hashtags and mentions, tags from the hashtag names, edited_at from updated_at; then, per read,
account from the fresh row's author, favourites_count and replies_count from its counters,
favourited and bookmarked from the marks. What a Status needs that no card holds yet (the
mentioned accounts' ids, the author's id) would be added here, to the one card every API
reads, with CARD_VERSION raised.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from vitrina.accounts.models import User
from vitrina.posts import native_json
from vitrina.posts.models import Like, Post, PostHashtag, PostMedia, PostMention, Save, variant_urls
from vitrina.social.visibility import CheckedPostIds

# Signed media URLs inside a card live at least a day (media.signing); an hour keeps them valid.
CARD_TTL = 3600
# Part of every card's cache key: raised when the card's fields change, so that no process
# reads a card of another shape left in a shared cache.
CARD_VERSION = 4
# Fields read fresh for every card (see fresh_rows), by these names.
FRESH = ("pk", "updated_at", "like_count", "comment_count", "author__username", "author__display_name",
         "author__avatar")


def fresh_rows(checked: CheckedPostIds) -> dict[int, dict]:
    """FRESH values of those of these posts whose author is active (not suspended), by id.

    Precondition, which this SQL does not check: every id passed the visibility rule for
    the reader but for its author's activity (vitrina.social.visibility.CheckedPostIds says
    the two ways to get there). The author's activity is checked here because it changes
    without the reader doing anything, and it is all the home feed's shortcut leaves to check.

    Written as SQL, like marks below: on the most read endpoint, building the ORM
    query cost more than running it (bench/feed.py, profile pass).
    """
    post_ids = checked.ids
    if not post_ids:
        return {}
    sql = (f"SELECT p.id, p.updated_at, p.like_count, p.comment_count, u.username, u.display_name, u.avatar"
           f" FROM {Post._meta.db_table} p JOIN {User._meta.db_table} u ON u.id = p.author_id"
           f" WHERE u.is_active AND p.id IN ({', '.join(['%s'] * len(post_ids))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, post_ids)
        return {row[0]: dict(zip(FRESH, row)) for row in cursor.fetchall()}


def _media(pk: int, width: int, height: int, blurhash: str, alt_text: str, files: dict) -> dict:
    return {"id": pk, "width": width, "height": height, "blurhash": blurhash, "alt_text": alt_text,
            "urls": variant_urls(files)}


def cards_built(ids: list[int]) -> dict[int, dict]:
    """The cards of these posts, by id, in four flat queries.

    Built through with_details (model objects and their prefetched links), a page's missing cards
    cost about 12 ms of CPU for 20 posts, most of it Django's per-object prefetching; cards miss
    often when members read many different posts (bench/feed.py, realistic profile), so they are
    built from plain rows: 4 ms. A test holds them equal to the PostOut schema of the same post.
    """
    if not ids:
        return {}
    media, tags, mentions = defaultdict(list), defaultdict(list), defaultdict(list)
    for post_id, *fields in (PostMedia.objects.filter(post_id__in=ids).order_by("post_id", "position")
                             .values_list("post_id", "pk", "width", "height", "blurhash", "alt_text", "files")):
        media[post_id].append(_media(*fields))
    for post_id, name in (PostHashtag.objects.filter(post_id__in=ids).order_by("pk")
                          .values_list("post_id", "hashtag__name")):
        tags[post_id].append(name)
    for post_id, username in (PostMention.objects.filter(post_id__in=ids).order_by("pk")
                              .values_list("post_id", "user__username")):
        mentions[post_id].append(username)
    path = _post_path()
    fields = ("pk", "caption", "location", "comments_enabled", "product_tags", "created_at", "updated_at")
    return {
        pk: {"id": pk, "caption": caption, "location": location, "hashtags": tags[pk], "mentions": mentions[pk],
             "media": media[pk], "comments_enabled": comments_enabled, "product_tags": product_tags or [],
             "created_at": created_at, "updated_at": updated_at, "path": path.format(pk)}
        for pk, caption, location, comments_enabled, product_tags, created_at, updated_at
        in Post.objects.filter(pk__in=ids).values_list(*fields)
    }


def _post_path() -> str:
    """The post page's path with "{}" for the id: one reverse() per page of cards, not per card."""
    marker = 9876543210
    return reverse("posts:detail", args=[marker]).replace(str(marker), "{}")


def _key(row: dict) -> str:
    # updated_at as the database returned it: a datetime, or text from SQLite's raw cursor.
    version = row["updated_at"]
    version = f"{version.timestamp():.6f}" if isinstance(version, datetime) else version.replace(" ", "T")
    return f"postcard:v{CARD_VERSION}:{row['pk']}:{version}"


def _cached(keys: dict[int, str], build: Callable[[list[int]], dict]) -> dict:
    """Values by post id: from the cache under `keys`, and for those missing, `build(ids)`, then kept."""
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in values]
    if missing:
        built = build(missing)
        cache.set_many({keys[pk]: value for pk, value in built.items()}, CARD_TTL)
        values.update(built)
    return values


def cards_of(rows: list[dict]) -> dict[int, dict]:
    """The cards of these posts (rows from fresh_rows), by id: from the cache, built once per version.

    A post deleted since its row was read has none.
    """
    return _cached({row["pk"]: _key(row) for row in rows}, cards_built)


def renderings(rows: list[dict], *, api: str, render: Callable[[dict], str]) -> dict[int, str]:
    """The cards of these posts as one API renders them (`render`, cached under `api`), by id.

    Each rendering is kept beside its card for the card's lifetime, because rendering a page's
    cards on every read (unpickling them, then the JSON) cost 0.47 ms more CPU than reading the
    kept texts: a fifth of a warm home feed read (SQLite, in-process cache). The card itself
    is read, or built, only for the renderings missing.
    """
    by_id = {row["pk"]: row for row in rows}
    return _cached({pk: f"{_key(row)}:{api}" for pk, row in by_id.items()},
                   lambda ids: {pk: render(card) for pk, card in cards_of([by_id[pk] for pk in ids]).items()})


def marks(viewer, ids: list[int]) -> tuple[set[int], set[int]]:
    """Which of these posts the reader liked, and which they saved: one statement for both.

    Written as SQL because building the equivalent ORM union cost several times its
    execution on the most read endpoint (bench/feed.py, profile pass).
    """
    if viewer is None or not viewer.is_authenticated or not ids:
        return set(), set()
    params = ", ".join(["%s"] * len(ids))
    sql = (f"SELECT post_id, 1 FROM {Like._meta.db_table} WHERE user_id = %s AND post_id IN ({params})"
           f" UNION ALL SELECT post_id, 0 FROM {Save._meta.db_table} WHERE user_id = %s AND post_id IN ({params})")
    liked, saved = set(), set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.pk, *ids, viewer.pk, *ids])
        for post_id, is_like in cursor.fetchall():
            (liked if is_like else saved).add(post_id)
    return liked, saved


def page_json(*, viewer, rows: list[dict], next_cursor: str | None) -> str:
    """The native API's PostList as JSON text: the cards for `rows` (from fresh_rows, for this
    viewer) in their order, and the cursor of the next page."""
    liked, saved = marks(viewer, [row["pk"] for row in rows])
    stable_parts = renderings(rows, api=native_json.CACHE_NAME, render=native_json.stable_part)
    return native_json.post_list(stable_parts=stable_parts, rows=rows, liked=liked, saved=saved,
                                 next_cursor=next_cursor)


def post_json(*, viewer, row: dict) -> str | None:
    """One post as the native API's PostOut JSON text (`row` from fresh_rows, for this viewer);
    None when it was deleted since the row was read."""
    liked, saved = marks(viewer, [row["pk"]])
    stable = renderings([row], api=native_json.CACHE_NAME, render=native_json.stable_part).get(row["pk"])
    if stable is None:
        return None
    return native_json.post_object(stable, row, liked=row["pk"] in liked, saved=row["pk"] in saved)
