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

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import BooleanField, Value

from vitrina.media.images import url_of
from vitrina.posts.models import Like, Post, Save
from vitrina.posts.schemas import PostOut
from vitrina.posts.selectors import with_details

# Signed media URLs inside a card live at least a day (media.signing); an hour keeps them valid.
CARD_TTL = 3600
# Fields read fresh for every card (from Post.objects.visible_to(...).values(*FRESH)).
FRESH = ("pk", "updated_at", "like_count", "comment_count", "author__username", "author__display_name",
         "author__avatar")
_READER_FIELDS = ("like_count", "comment_count", "liked_by_me", "saved_by_me", "author")


def to_json(data) -> str:
    """JSON as the API writes it (DjangoJSONEncoder: the same datetime format as ninja's renderer)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _key(row: dict) -> str:
    return f"postcard:v2:{row['pk']}:{row['updated_at'].timestamp():.6f}"


def _stable_parts(rows: list[dict]) -> dict[int, str]:
    """Each post's stable part as the JSON text of an object without its closing brace."""
    keys = {_key(row): row["pk"] for row in rows}
    found = cache.get_many(list(keys))
    parts = {keys[key]: value for key, value in found.items()}
    missing = [pk for pk in keys.values() if pk not in parts]
    if missing:
        fresh = {}
        for post in with_details(Post.objects.filter(pk__in=missing)):
            post.liked_by_me = post.saved_by_me = False
            data = PostOut.from_orm(post).model_dump()
            for name in _READER_FIELDS:
                data.pop(name, None)
            parts[post.pk] = to_json(data)[:-1]
            fresh[_key({"pk": post.pk, "updated_at": post.updated_at})] = parts[post.pk]
        cache.set_many(fresh, CARD_TTL)
    return parts


def cards_json(*, viewer, rows: list[dict]) -> str:
    """A JSON array of the cards for `rows` (FRESH values of posts already checked visible), in their order."""
    ids = [row["pk"] for row in rows]
    liked, saved = set(), set()
    if viewer is not None and viewer.is_authenticated and ids:
        # One statement for both: the reader's likes and saves among these posts.
        likes = Like.objects.filter(user=viewer, post_id__in=ids).values_list("post_id", Value(True, output_field=BooleanField()))
        saves = Save.objects.filter(user=viewer, post_id__in=ids).values_list("post_id", Value(False, output_field=BooleanField()))
        for post_id, is_like in likes.union(saves, all=True):
            (liked if is_like else saved).add(post_id)
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
