"""Explore's grid: posts from accounts the viewer does not follow, ranked for the viewer.

Ranking
=======
Every candidate post gets ``score = base × personal``::

    base     = (PRIOR + LIKE_WEIGHT·likes + COMMENT_WEIGHT·comments + SAVE_WEIGHT·saves)
               / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY

    personal = (1 + TAG_BOOST · min(shared_tags, TAG_BOOST_CAP))
             × (1 + CO_LIKE_BOOST · min(co_likers, CO_LIKE_CAP))

- ``likes`` and ``comments`` are the post's counters, ``saves`` are counted. Candidates are at
  most WINDOW old, so these are the engagement within the window; divided by a power of the age
  they measure engagement velocity with time decay (Hacker News' gravity formula).
- PRIOR = 1: a post nobody has reacted to yet still ranks by freshness, and a personal boost
  still lifts it (a boost of zero engagement would be zero).
- LIKE_WEIGHT = 1, COMMENT_WEIGHT = 2, SAVE_WEIGHT = 3: a comment costs more effort than a like,
  and a save says "I want to see this again", the strongest signal of the three.
- AGE_OFFSET_HOURS = 2, GRAVITY = 1.5: the divisor is 5.2 at one hour, 133 at a day, 354 at two
  days and 2,216 at a week, so a two-day-old post needs about 68 times the engagement of a
  one-hour-old one to rank level with it. The offset keeps a brand-new post from dividing by ~0.
- ``shared_tags``: how many of the post's hashtags appear on the viewer's SEED_POSTS most recent
  liked and SEED_POSTS most recent saved posts. TAG_BOOST = 0.5 per tag, TAG_BOOST_CAP = 3 tags:
  at most ×2.5, so a taste lifts posts but cannot bury everything else.
- ``co_likers``: of up to CO_LIKERS other people who liked one of those seed posts, how many
  liked this post too ("people who liked what you liked also liked"). CO_LIKE_BOOST = 0.25 per
  person, CO_LIKE_CAP = 8 people: at most ×3.

A page takes posts in score order (ties: newer first), at most MAX_PER_AUTHOR from one author.

Candidates: a shared pool, built off the request path
=====================================================
Scoring a million posts per request is out of the question, so the periodic job ``explore.pool``
(vitrina.feed.tasks, every POOL_EVERY) builds one pool for everyone: the RECENT_POSTS newest posts
plus the posts behind the latest RECENT_LIKES likes, RECENT_COMMENTS comments and RECENT_SAVES
saves (what people engage with right now), kept if younger than WINDOW and by an active public
account, then cut to the POOL_SIZE best by ``base``. It is stored with vitrina.core.built_state,
which every web process reads; a request never builds it. Private accounts never enter the pool,
so it is the same for every viewer; each request then drops followed, own and blocked (either
way) authors, adds the personal factor and re-ranks in Python at its own time. The posts of a page
are read again through ``Post.objects.visible_to``, so a block, a switch to private or a
suspension made after the pool was built hides them at once.

Before the first build (a fresh instance, or one whose scheduler has not run yet) a request takes
the FALLBACK_POSTS newest posts of active public accounts with their like and comment counters,
in one query down the primary key: ranked by the same formula, without saves and tag boosts.

Seen posts
==========
The cursor is signed and carries every id shown in this browsing session (up to SESSION_MAX, after
which the session ends), so pages never repeat a post, whichever process or cache serves them. For
members, the last SEEN_MAX ids shown are also kept in the cache for SEEN_TTL: a new session puts
them behind every unseen post (shown again only when nothing unseen is left, so a small instance
does not run dry on the third reload).
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from itertools import accumulate
from typing import NamedTuple

from django.core import signing
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.built_state import state_publish, state_read
from vitrina.core.pagination import MAX_LIMIT, InvalidCursor, Page
from vitrina.posts.cards import fresh_rows, page_json
from vitrina.posts.models import Comment, Like, Post, PostHashtag, Save
from vitrina.posts.selectors import mark_for_viewer, with_details
from vitrina.social import visibility
from vitrina.social.selectors import following_ids

PRIOR = 1.0
LIKE_WEIGHT = 1.0
COMMENT_WEIGHT = 2.0
SAVE_WEIGHT = 3.0
AGE_OFFSET_HOURS = 2.0
GRAVITY = 1.5
TAG_BOOST = 0.5
TAG_BOOST_CAP = 3
CO_LIKE_BOOST = 0.25
CO_LIKE_CAP = 8

WINDOW = timedelta(days=7)
RECENT_POSTS = 1000
RECENT_LIKES = 3000
RECENT_COMMENTS = 1000
RECENT_SAVES = 1000
POOL_SIZE = 1000
POOL_EVERY = timedelta(seconds=60)  # engagement a minute old is fresh enough for discovery
POOL_STATE = "explore.pool"  # the job's name and its built state's
FALLBACK_POSTS = 300  # a cold start's candidates: a dozen pages, one cheap query
SEED_POSTS = 50
CO_LIKERS = 50
MAX_PER_AUTHOR = 2

DEFAULT_LIMIT = 24  # eight rows of three
SESSION_MAX = 240  # ten pages of 24; keeps the cursor near a kilobyte
SEEN_MAX = 120  # the last five pages of 24
SEEN_TTL = 6 * 3600
CURSOR_SALT = "vitrina.feed.explore"


class Candidate(NamedTuple):
    post_id: int
    author_id: int
    created: float  # POSIX seconds
    engagement: float  # the numerator of `base`
    tags: tuple[int, ...]


def engagement(*, likes: int, comments: int, saves: int) -> float:
    return PRIOR + LIKE_WEIGHT * likes + COMMENT_WEIGHT * comments + SAVE_WEIGHT * saves


def decay(*, age_hours: float) -> float:
    # A post newer than `now` (clocks of several machines) counts as brand new, not as negative age.
    return (max(age_hours, 0.0) + AGE_OFFSET_HOURS) ** GRAVITY


def base_score(*, likes: int, comments: int, saves: int, age_hours: float) -> float:
    return engagement(likes=likes, comments=comments, saves=saves) / decay(age_hours=age_hours)


def personal_boost(*, shared_tags: int, co_likers: int) -> float:
    return (1 + TAG_BOOST * min(shared_tags, TAG_BOOST_CAP)) * (1 + CO_LIKE_BOOST * min(co_likers, CO_LIKE_CAP))


# --- The shared pool ---------------------------------------------------------------------------
# The build reads the primary keys of posts_post, posts_like, posts_comment and posts_save newest
# first with LIMIT, then the chosen posts by primary key (the WINDOW test applies to those rows
# only), their saves and tags through the post_id foreign-key indexes of posts_save and
# posts_posthashtag. It runs in the job, never in a request.


def pool_build(*, now: datetime) -> list[Candidate]:
    """The shared pool at `now`, best ``base`` first (the job's work; see the module docstring)."""
    ids = set(Post.objects.order_by("-id").values_list("id", flat=True)[:RECENT_POSTS])
    for model, count in ((Like, RECENT_LIKES), (Comment, RECENT_COMMENTS), (Save, RECENT_SAVES)):
        ids.update(model.objects.order_by("-id").values_list("post_id", flat=True)[:count])
    # Only what a visitor may see enters the pool, so it is the same for every viewer.
    rows = list(
        Post.objects.filter(visibility.content_q(None, account="author"), pk__in=ids, created_at__gte=now - WINDOW)
        .values_list("id", "author_id", "created_at", "like_count", "comment_count")
    )
    saves = dict(
        Save.objects.filter(post_id__in=[row[0] for row in rows])
        .values("post_id").annotate(n=Count("id")).values_list("post_id", "n")
    )
    moment = now.timestamp()
    scored = [
        (engagement(likes=likes, comments=comments, saves=saves.get(pk, 0)), pk, author_id, created.timestamp())
        for pk, author_id, created, likes, comments in rows
    ]
    scored.sort(key=lambda s: (s[0] / decay(age_hours=(moment - s[3]) / 3600), s[1]), reverse=True)
    scored = scored[:POOL_SIZE]
    tags = defaultdict(list)
    links = PostHashtag.objects.filter(post_id__in=[s[1] for s in scored]).values_list("post_id", "hashtag_id")
    for post_id, hashtag_id in links:
        tags[post_id].append(hashtag_id)
    return [Candidate(pk, author_id, created, eng, tuple(sorted(tags[pk]))) for eng, pk, author_id, created in scored]


def pool_publish(*, now: datetime) -> int:
    """Build the pool and make it the one requests read; returns its size. Idempotent."""
    pool = pool_build(now=now)
    state_publish(name=POOL_STATE, value=pool, built_at=now)
    return len(pool)


def _load_pool(rows: list) -> list[Candidate]:
    return [Candidate(pk, author_id, created, eng, tuple(tags)) for pk, author_id, created, eng, tags in rows]


def _pool_cold() -> list[Candidate]:
    """Candidates before the first build: the newest public posts with their counters."""
    rows = (
        Post.objects.filter(visibility.content_q(None, account="author")).order_by("-id")
        .values_list("id", "author_id", "created_at", "like_count", "comment_count")[:FALLBACK_POSTS]
    )
    return [
        Candidate(pk, author_id, created.timestamp(), engagement(likes=likes, comments=comments, saves=0), ())
        for pk, author_id, created, likes, comments in rows
    ]


def _pool() -> list[Candidate]:
    built = state_read(POOL_STATE, load=_load_pool)
    return built.value if built is not None else _pool_cold()


# --- The viewer's part -------------------------------------------------------------------------
# Indexes: accounts_block's block_unique (blocker, blocked) and its blocked_id foreign-key index
# for the blocks; posts_like's user_id foreign-key index and posts_save's save_user_recent
# (user, -id) for the seeds; posts_like's like_unique (post, user) for the co-likers and its
# like_user_post (user, post) for their likes, both read index-only.


def _hidden_authors(viewer) -> set[int]:
    """Accounts the viewer follows (Explore is for discovery) or may not see: the pool holds only
    content a visitor may see (active public accounts), and of that exactly the accounts with a
    block either way are hidden from a member (vitrina.social.visibility).

    The follows come from their cache, as for the home feed; the blocks in one query, read whole
    rather than filtered by the pool's authors: a thousand-id IN list costs more to plan than an
    index-only scan of one member's blocks.
    """
    return set(following_ids(viewer.pk)) | visibility.block_partner_ids(viewer)


def _seed_posts(viewer) -> set[int]:
    liked = Like.objects.filter(user=viewer).order_by("-id").values_list("post_id", flat=True)[:SEED_POSTS]
    saved = Save.objects.filter(user=viewer).order_by("-id").values_list("post_id", flat=True)[:SEED_POSTS]
    return set(liked) | set(saved)


def _co_likes(viewer, *, seeds: set[int], candidates: list[int]) -> Counter:
    """For each candidate, how many of up to CO_LIKERS people who liked a seed post liked it too."""
    # No ORDER BY: "the latest likers" would make PostgreSQL walk the whole like table backwards
    # when the seeds are old and little liked; this reads at most CO_LIKERS index entries.
    co_likers = set(
        Like.objects.filter(post_id__in=seeds).exclude(user=viewer).values_list("user_id", flat=True)[:CO_LIKERS]
    )
    if not co_likers or not candidates:
        return Counter()
    # Filtered to the candidates in Python: with `post_id IN (...)` PostgreSQL ANDs in a bitmap of
    # every like of the pool's (popular) posts, which costs more than it saves.
    wanted = set(candidates)
    likes = Like.objects.filter(user_id__in=co_likers, post_id__gte=min(wanted)).values_list("post_id", flat=True)
    return Counter(pk for pk in likes if pk in wanted)


def _history_key(viewer) -> str:
    return f"explore:seen:{viewer.pk}"


def _encode_cursor(ids: list[int]) -> str:
    ordered = sorted(set(ids))
    # Sorted and delta-encoded, the ids compress to about two bytes each.
    deltas = [ordered[0]] + [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    return signing.dumps({"s": ",".join(map(str, deltas))}, salt=CURSOR_SALT, compress=True)


def _decode_cursor(cursor: str | None) -> list[int]:
    if not cursor:
        return []
    try:
        deltas = [int(d) for d in signing.loads(cursor, salt=CURSOR_SALT)["s"].split(",")]
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError):
        raise InvalidCursor(_("This cursor is not valid.")) from None
    return list(accumulate(deltas))


def _pick(ranked: list[Candidate], *, limit: int, seen_before: set[int]) -> list[Candidate]:
    """Best first, at most MAX_PER_AUTHOR per author; posts seen in earlier sessions only to fill up."""
    picked: list[Candidate] = []
    per_author: Counter = Counter()
    for fresh in (True, False):
        for c in ranked:
            if len(picked) == limit:
                return picked
            if (c.post_id not in seen_before) == fresh and per_author[c.author_id] < MAX_PER_AUTHOR:
                picked.append(c)
                per_author[c.author_id] += 1
    return picked


def _personalise(viewer, pool: list[Candidate]) -> tuple[list[Candidate], dict[int, float]]:
    """Drop followed, own, blocked and already liked or saved posts; the personal factor of the rest."""
    hidden = _hidden_authors(viewer) | {viewer.pk}
    seeds = _seed_posts(viewer)
    pool = [c for c in pool if c.author_id not in hidden and c.post_id not in seeds]
    if not seeds or not pool:
        return pool, {}
    liked_tags = set(PostHashtag.objects.filter(post_id__in=seeds).values_list("hashtag_id", flat=True))
    co_likes = _co_likes(viewer, seeds=seeds, candidates=[c.post_id for c in pool])
    # Only candidates with something in common get a factor; the rest keep 1 (most of the pool).
    boosts = {}
    for c in pool:
        shared = len(liked_tags.intersection(c.tags)) if liked_tags and c.tags else 0
        co_likers = co_likes.get(c.post_id, 0)
        if shared or co_likers:
            boosts[c.post_id] = personal_boost(shared_tags=shared, co_likers=co_likers)
    return pool, boosts


def _explore_ids(*, viewer, cursor: str | None, limit: int | None, now: datetime | None) -> tuple[list[int], str | None]:
    """The ids of one page for the viewer (checked by the rule now), best first, and the next cursor."""
    now = now or timezone.now()
    shown = _decode_cursor(cursor)
    limit = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT, SESSION_MAX - len(shown)))
    excluded = set(shown)
    moment = now.timestamp()
    oldest = moment - WINDOW.total_seconds()
    pool = [c for c in _pool() if c.created >= oldest and c.post_id not in excluded]
    boosts: dict[int, float] = {}
    history: list[int] = []
    if viewer is not None:
        pool, boosts = _personalise(viewer, pool)
        history = cache.get(_history_key(viewer)) or []

    def score(c: Candidate) -> float:
        return c.engagement / decay(age_hours=(moment - c.created) / 3600) * boosts.get(c.post_id, 1.0)

    ranked = sorted(pool, key=lambda c: (score(c), c.post_id), reverse=True)
    picked = [c.post_id for c in _pick(ranked, limit=limit, seen_before=set(history))]

    # Checked again with the viewer's permissions, and as a visitor's (public content only): the
    # pool was built by an earlier run of the job.
    visible = set(Post.objects.visible_to(viewer).filter(visibility.content_q(None, account="author"), pk__in=picked)
                  .values_list("pk", flat=True))
    ids = [pk for pk in picked if pk in visible]
    if viewer is not None and ids:
        history = [pk for pk in history if pk not in visible] + ids
        cache.set(_history_key(viewer), history[-SEEN_MAX:], SEEN_TTL)
    session = shown + picked
    more = len(ranked) > len(picked) and len(session) < SESSION_MAX
    return ids, _encode_cursor(session) if more and picked else None


def _reader(viewer):
    return viewer if viewer is not None and viewer.is_authenticated else None


def explore_page(*, viewer, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT,
                 now: datetime | None = None) -> Page:
    """One page of Explore for the viewer (None or anonymous: public posts, unpersonalised), as posts."""
    viewer = _reader(viewer)
    ids, next_cursor = _explore_ids(viewer=viewer, cursor=cursor, limit=limit, now=now)
    by_id = {post.pk: post for post in with_details(Post.objects.filter(pk__in=ids))}
    return Page(items=mark_for_viewer([by_id[pk] for pk in ids if pk in by_id], viewer), next_cursor=next_cursor)


def explore_json(*, viewer, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT,
                 now: datetime | None = None) -> str:
    """The same page as the API shows it (a PostList as JSON text), from the post card cache."""
    viewer = _reader(viewer)
    ids, next_cursor = _explore_ids(viewer=viewer, cursor=cursor, limit=limit, now=now)
    # The ids were just filtered by Post.objects.visible_to; fresh_rows checks the authors' activity again.
    rows = fresh_rows(visibility.posts_checked(ids))
    return page_json(viewer=viewer, rows=[rows[pk] for pk in ids if pk in rows], next_cursor=next_cursor)
