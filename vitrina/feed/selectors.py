"""The home feed: pushed timelines merged with posts pulled from very large accounts.

A page costs a fixed number of queries whatever its size: the viewer's follows
(cached), the timeline read, the posts too large to fan out (cached, see
vitrina.timeline.pulled), the posts themselves, and the viewer's likes and saves.
Entries are re-checked against the live graph on every read, so an unfollow, a
block, a removed follower or a deleted post disappears at once, before any clean-up.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from vitrina.accounts.models import AccountType, User
from vitrina.core.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from vitrina.posts.cards import fresh_rows, page_json
from vitrina.posts.models import Post
from vitrina.posts.selectors import mark_for_viewer, with_details
from vitrina.social import visibility
from vitrina.social.models import Follow
from vitrina.social.selectors import following_ids
from vitrina.timeline.pulled import pulled_ids
from vitrina.timeline.store import TimelineUnavailable, get_store

# Read twice the page from each source: entries filtered out (unfollowed, blocked,
# deleted) rarely leave a page short, and a short page triggers one more round.
OVERFETCH = 2
MAX_ROUNDS = 3
# Writing last_active_at on every read would turn each feed read into a write.
ACTIVE_TOUCH_EVERY = timedelta(hours=1)
SUGGESTIONS = 6
LANDING_SHOPS = 8
# The landing page is what every visitor opens first: its ranking of shops is read once a few minutes.
LANDING_SHOPS_TTL = 300
# A rebuild (a member's first read after a while) writes this many entries, not CAPACITY: most
# visits read a few pages, so five pages are written and pages past them come from a query until
# pushes fill the timeline. On SQLite writing 500 rows made a cold read 3-4 times a warm one
# (bench/feed.py, the realistic profile).
REBUILD = 100
# Posts read again after a rebuild, for those published while it ran: far more than a
# few seconds of posts from the accounts one member follows.
CATCH_UP = 50


def _touch_active(viewer: User) -> None:
    now = timezone.now()
    if viewer.last_active_at is None or now - viewer.last_active_at > ACTIVE_TOUCH_EVERY:
        User.objects.filter(pk=viewer.pk).update(last_active_at=now)
        viewer.last_active_at = now


def _authors(viewer: User) -> frozenset[int]:
    """Accounts whose posts belong in the viewer's feed: those followed, and the viewer."""
    return visibility.feed_authors(viewer, following_ids(viewer.pk))


def _query_ids(author_ids, *, before: int | None, count: int) -> list[tuple[int, int]]:
    if not author_ids:
        return []
    rows = Post.objects.filter(author_id__in=author_ids)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return list(rows.order_by("-pk").values_list("pk", "author_id")[:count])


def rebuild_timeline(viewer: User, *, store=None) -> list[tuple[int, int]]:
    """A timeline recomputed from follows and posts (pulled posts may be in it too; reads dedupe).

    It holds the newest REBUILD entries; `complete` (fewer than that exist) tells reads past its
    end that there is nothing older to query.

    A post published during the rebuild, after the posts were read but before the new list
    was written, was fanned out into nothing (Redis pushes only into timelines that exist)
    or into the list just replaced (bench/faults.py lost one so). The newest posts are read
    again once the list is written, and any missing one is pushed (pushes are idempotent):
    a post published later finds the timeline in place.
    """
    store = store or get_store()
    authors = _authors(viewer)
    entries = _query_ids(authors, before=None, count=REBUILD)
    store.replace(viewer.pk, entries, complete=len(entries) < REBUILD)
    known = set(entries)
    late = [entry for entry in _query_ids(authors, before=None, count=CATCH_UP) if entry not in known]
    for post_id, author_id in reversed(late):
        store.push([viewer.pk], post_id, author_id)
    return sorted(known.union(late), reverse=True)


def _was_away(viewer: User) -> bool:
    """Absent longer than FEED_ACTIVE_DAYS: fan-out skipped this member, so the timeline is stale."""
    cutoff = timezone.now() - timedelta(days=settings.FEED_ACTIVE_DAYS)
    return viewer.last_active_at is None or viewer.last_active_at < cutoff


def _pushed_ids(viewer, *, authors, before, count, rebuild: bool) -> list[tuple[int, int]]:
    """From the store (rebuilt on a miss); from the database when the store is down."""
    try:
        store = get_store()
        if before is None:
            # Pushes only append to a database timeline; its cap is kept here, once per visit.
            store.trim(viewer.pk)
        complete, entries = store.read_with_status(viewer.pk, before=before, count=count)
        if rebuild or complete is None:
            rebuild_timeline(viewer, store=store)
            complete, entries = store.read_with_status(viewer.pk, before=before, count=count)
        if len(entries) == count or complete:
            return entries
        # Past the end of the stored timeline (it is capped): older posts come from a query.
        older = entries[-1][0] if entries else before
        return entries + _query_ids(authors, before=older, count=count - len(entries))
    except TimelineUnavailable:
        return _query_ids(authors, before=before, count=count)


def home_feed_rows(*, viewer: User, cursor: str | None = None, limit: int | None = None):
    """The page's posts as FRESH rows (vitrina.posts.cards), newest first, and the next cursor."""
    limit = clamp_limit(limit)
    before = decode_cursor(cursor)
    rebuild = before is None and _was_away(viewer)
    _touch_active(viewer)
    authors = _authors(viewer)
    # Every candidate's author is the viewer or someone they follow right now, whose content
    # the rule lets the viewer see while they are active (visibility.feed_authors); fresh_rows
    # checks that. The property tests hold this equal to Post.objects.visible_to(viewer).
    rows: list[dict] = []
    for _round in range(MAX_ROUNDS):
        want = (limit - len(rows)) * OVERFETCH
        pushed = _pushed_ids(viewer, authors=authors, before=before, count=want, rebuild=rebuild)
        rebuild = False
        pulled = pulled_ids(authors, before=before, count=want)
        merged = sorted(dict(pushed + pulled).items(), reverse=True)[:want]
        found = fresh_rows(visibility.posts_by_feed_authors(merged, authors))
        for pid, _author in merged:
            if pid in found:
                rows.append(found[pid])
                if len(rows) == limit:
                    break
        if len(rows) == limit or len(pushed) < want and len(pulled) < want:
            break  # a full page, or both sources have nothing older
        before = merged[-1][0]
    # A full page always offers a next one (which may turn out empty at the very end).
    next_cursor = encode_cursor(rows[-1]["pk"]) if len(rows) == limit else None
    return rows, next_cursor


def home_feed(*, viewer: User, cursor: str | None = None, limit: int | None = None) -> Page:
    """The page as Post objects with their details, for the web page."""
    rows, next_cursor = home_feed_rows(viewer=viewer, cursor=cursor, limit=limit)
    posts = {p.pk: p for p in with_details(Post.objects.filter(pk__in=[row["pk"] for row in rows]))}
    items = mark_for_viewer([posts[row["pk"]] for row in rows if row["pk"] in posts], viewer)
    return Page(items=items, next_cursor=next_cursor)


def home_feed_json(*, viewer: User, cursor: str | None = None, limit: int | None = None) -> str:
    """The page as the API shows it (a PostList as JSON text), mostly from the per-post card cache."""
    rows, next_cursor = home_feed_rows(viewer=viewer, cursor=cursor, limit=limit)
    return page_json(viewer=viewer, rows=rows, next_cursor=next_cursor)


def new_posts_count(*, viewer: User, since: int) -> int:
    """How many posts newer than `since` wait at the top of the feed (for the "new posts" pill)."""
    authors = _authors(viewer)
    return Post.objects.visible_to(viewer).filter(author_id__in=authors, pk__gt=since).count()


def suggested_accounts(*, viewer: User, count: int = SUGGESTIONS) -> list[User]:
    """Popular accounts the viewer does not follow yet, for the empty feed."""
    followed = Follow.objects.filter(follower=viewer).values("target_id")
    return list(
        visibility.accounts_listed(viewer).exclude(pk=viewer.pk).exclude(pk__in=followed)
        .order_by("-followers_count", "pk")[:count]
    )


def shops_for_visitors(*, count: int = LANDING_SHOPS) -> list[User]:
    """Shops a visitor may look into (active, public business accounts with posts), most followed first.

    The ranking is cached; the accounts are read again through the rule on every call, so a shop
    that turns private or is suspended leaves the landing page at once.
    """
    public = visibility.content_q(None, account="")
    ids = cache.get_or_set("landing:shops", lambda: list(
        User.objects.filter(public, account_type=AccountType.BUSINESS, posts_count__gt=0)
        .order_by("-followers_count", "pk").values_list("pk", flat=True)[:count]
    ), LANDING_SHOPS_TTL)
    shops = {user.pk: user for user in User.objects.filter(public, pk__in=ids)}
    return [shops[pk] for pk in ids if pk in shops]
