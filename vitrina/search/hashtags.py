"""Hashtags search: by key prefix, most used first, only tags with a post the viewer may see."""

from django.db.models import Q

from vitrina.posts.models import Hashtag, Post
from vitrina.posts.text import hashtag_key
from vitrina.search import backends

# Hashtags are taken by post_count in batches of this many times the limit, then
# the ones without a post the viewer may see are dropped; a few rounds at most.
HASHTAG_BATCH = 2
HASHTAG_ROUNDS = 3


def hashtags_search(*, viewer, q: str, limit: int) -> list[Hashtag]:
    """Tags whose key starts with q's, most used first, that have a post the viewer may see.

    A tag used only on posts the viewer may not see is left out, so a stranger never
    learns of it from here. post_count counts every post, private ones included, and
    counting per viewer is too slow for a list, so the results carry no count at all
    (the tag's own page counts what the viewer may see).
    """
    prefix = hashtag_key(q.lstrip("#").strip())
    if not prefix:
        return []
    engine = backends.current()
    visible_posts = Post.objects.visible_to(viewer)
    candidates = Hashtag.objects.filter(engine.tag_prefix(prefix)).order_by("-post_count", "key")
    batch_size = limit * HASHTAG_BATCH
    shown: list[Hashtag] = []
    for _round in range(HASHTAG_ROUNDS):
        batch = list(candidates[:batch_size])
        if not batch:
            break
        visible = engine.tags_with_visible_posts(batch, visible_posts)
        shown += [tag for tag in batch if tag.pk in visible]
        if len(shown) >= limit or len(batch) < batch_size:
            break
        last = batch[-1]
        candidates = candidates.filter(
            Q(post_count__lt=last.post_count) | Q(post_count=last.post_count, key__gt=last.key)
        )
    return shown[:limit]
