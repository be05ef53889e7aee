"""Post cards (vitrina.posts.cards) as the native API writes them: PostOut objects in JSON text.

The feed and post search answer with this text as is, without validating it through the
PostOut schema again (that would double the cost of the most read endpoint); the schema still
documents it, and tests hold every card equal to GET /posts/{id} of the same post. The fields
come in PostOut's order, except that those read per request (author, counters, the reader's
marks) close each object: a card's part is rendered once per post version and kept, and a read
appends the rest to it.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from vitrina.media.images import url_of

# Names stable_part's texts in the cache beside the cards; raised when that text changes.
CACHE_NAME = "native2"


def to_json(data) -> str:
    """JSON as the API writes it (DjangoJSONEncoder: the same datetime format as ninja's renderer)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def product_tag(tag: dict) -> dict:
    """One entry of Post.product_tags in ProductTagOut's field order (PostgreSQL's jsonb keeps
    its keys in an order of its own)."""
    product = tag["product"]
    return {"id": tag["id"], "media_id": tag["media_id"], "x": tag["x"], "y": tag["y"],
            "product": {"id": product["id"], "title": product["title"], "price": product["price"],
                        "currency": product["currency"], "in_stock": product["in_stock"], "url": product["url"]}}


def stable_part(card: dict) -> str:
    """A card's fields of a PostOut as the text of a JSON object without its closing brace.

    Kept in the cache per post version (vitrina.posts.cards.renderings), so that a read
    only appends the fields read per request (fresh_part).
    """
    return to_json({
        "id": card["id"],
        "caption": card["caption"],
        "location": card["location"],
        "hashtags": card["hashtags"],
        "mentions": card["mentions"],
        "media": [
            {"id": media["id"], "width": media["width"], "height": media["height"], "blurhash": media["blurhash"],
             "alt_text": media["alt_text"], "urls": media["urls"]}
            for media in card["media"]
        ],
        "comments_enabled": card["comments_enabled"],
        "product_tags": [product_tag(tag) for tag in card["product_tags"]],
        "created_at": card["created_at"],
        "url": card["path"],
    })[:-1]


def fresh_part(row: dict, *, liked: bool, saved: bool) -> str:
    """The rest of a PostOut, from a fresh row (vitrina.posts.cards.FRESH) and the reader's marks:
    the text of a JSON object without its opening brace."""
    return to_json({
        "author": {"username": row["author__username"], "display_name": row["author__display_name"],
                   "avatar_url": url_of(row["author__avatar"])},
        "like_count": row["like_count"],
        "comment_count": row["comment_count"],
        "liked_by_me": liked,
        "saved_by_me": saved,
    })[1:]


def post_object(stable_part_text: str, row: dict, *, liked: bool, saved: bool) -> str:
    """One PostOut as JSON text: its kept stable part and its fresh part."""
    return f"{stable_part_text},{fresh_part(row, liked=liked, saved=saved)}"


def post_list(*, stable_parts: dict[int, str], rows: list[dict], liked: set[int], saved: set[int],
              next_cursor: str | None) -> str:
    """A PostList: the posts of `rows` in their order, each its stable part (by id) and its fresh
    part, and the cursor of the next page. A row without a stable part (its post deleted since
    the row was read) is left out."""
    posts = [post_object(stable_parts[row["pk"]], row, liked=row["pk"] in liked, saved=row["pk"] in saved)
             for row in rows if row["pk"] in stable_parts]
    return f'{{"items":[{",".join(posts)}],"next_cursor":{to_json(next_cursor)}}}'
