"""Post cards for lists that are read far more than written (the home feed).

A card is a post as the API shows it. Its stable part (caption, tags, mentions,
media with their signed URLs) is serialised to JSON once and kept in the cache per
post version; what changes often or depends on the reader (author's name and avatar,
counters, liked/saved) is read fresh with the ids, in the same query, and appended
to that text. A page of 20 posts then costs one query for the posts, one for the
reader's likes and saves, and one cache round trip, instead of five queries, twenty
model serialisations and encoding the whole page again.
"""

import json
from datetime import datetime

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from vitrina.accounts.models import User
from vitrina.media.images import url_of
from vitrina.posts.models import Like, Post, Save
from vitrina.posts.schemas import PostOut
from vitrina.posts.selectors import with_details
from vitrina.social.visibility import CheckedPostIds

# Signed media URLs inside a card live at least a day (media.signing); an hour keeps them valid.
CARD_TTL = 3600
# Fields read fresh for every card (see fresh_rows), by these names.
FRESH = ("pk", "updated_at", "like_count", "comment_count", "author__username", "author__display_name",
         "author__avatar")
_READER_FIELDS = ("like_count", "comment_count", "liked_by_me", "saved_by_me", "author")


def to_json(data) -> str:
    """JSON as the API writes it (DjangoJSONEncoder: the same datetime format as ninja's renderer)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def fresh_rows(checked: CheckedPostIds) -> dict[int, dict]:
    """FRESH values of those of these posts whose author is active (not suspended), by id.

    Precondition, which this SQL does not check: every id passed the visibility rule for
    the reader but for its author's activity (vitrina.social.visibility.CheckedPostIds says
    the two ways to get there). The author's activity is checked here because it changes
    without the reader doing anything, and it is all the home feed's shortcut leaves to check.

    Written as SQL, like _marks below: on the most read endpoint, building the ORM
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


def _key(row: dict) -> str:
    # updated_at as the database returned it: a datetime, or text from SQLite's raw cursor.
    version = row["updated_at"]
    version = f"{version.timestamp():.6f}" if isinstance(version, datetime) else version.replace(" ", "T")
    return f"postcard:v2:{row['pk']}:{version}"


def _stable_parts(rows: list[dict]) -> dict[int, str]:
    """Each post's stable part as the JSON text of an object without its closing brace."""
    keys = {row["pk"]: _key(row) for row in rows}
    found = cache.get_many(list(keys.values()))
    parts = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in parts]
    if missing:
        fresh = {}
        for post in with_details(Post.objects.filter(pk__in=missing)):
            post.liked_by_me = post.saved_by_me = False
            data = PostOut.from_orm(post).model_dump()
            for name in _READER_FIELDS:
                data.pop(name, None)
            parts[post.pk] = fresh[keys[post.pk]] = to_json(data)[:-1]
        cache.set_many(fresh, CARD_TTL)
    return parts


def _marks(viewer, ids: list[int]) -> tuple[set[int], set[int]]:
    """Which of these posts the reader liked, and which they saved: one statement for both.

    Written as SQL because building the equivalent ORM union cost several times its
    execution on the most read endpoint (bench/feed.py, profile pass).
    """
    if viewer is None or not viewer.is_authenticated or not ids:
        return set(), set()
    marks = ", ".join(["%s"] * len(ids))
    sql = (f"SELECT post_id, 1 FROM {Like._meta.db_table} WHERE user_id = %s AND post_id IN ({marks})"
           f" UNION ALL SELECT post_id, 0 FROM {Save._meta.db_table} WHERE user_id = %s AND post_id IN ({marks})")
    liked, saved = set(), set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.pk, *ids, viewer.pk, *ids])
        for post_id, is_like in cursor.fetchall():
            (liked if is_like else saved).add(post_id)
    return liked, saved


def cards_json(*, viewer, rows: list[dict]) -> str:
    """A JSON array of the cards for `rows` (from fresh_rows, for this viewer), in their order."""
    ids = [row["pk"] for row in rows]
    liked, saved = _marks(viewer, ids)
    parts = _stable_parts(rows)
    cards = []
    for row in rows:
        if row["pk"] not in parts:
            continue  # deleted between the two reads
        fresh = to_json({
            "author": {"username": row["author__username"], "display_name": row["author__display_name"],
                       "avatar_url": url_of(row["author__avatar"])},
            "like_count": row["like_count"], "comment_count": row["comment_count"],
            "liked_by_me": row["pk"] in liked, "saved_by_me": row["pk"] in saved,
        })
        cards.append(f"{parts[row['pk']]},{fresh[1:]}")
    return f"[{','.join(cards)}]"


def page_json(*, viewer, rows: list[dict], next_cursor: str | None) -> str:
    """A PostList as JSON text: the cards for `rows` and the cursor of the next page."""
    return f'{{"items":{cards_json(viewer=viewer, rows=rows)},"next_cursor":{to_json(next_cursor)}}}'
