"""Trending hashtags: the tags whose use grows fastest, the same for everyone but a viewer's blocks.

    growth = (uses in the last 24 h + 1) / (uses in the 7 days before / 7 + 1)

among tags with at least TREND_MIN_USES = 3 uses in the last day; see `trending_hashtags`.

Counting every tag use of the last eight days takes about 1–2 s at 30,000 posts a day on a busy
2-core machine, so the periodic job ``explore.trending`` (vitrina.feed.tasks, every TRENDS_EVERY)
ranks the TREND_KEPT fastest-growing tags and stores them with vitrina.core.built_state; a request
only reads them and takes out the uses of the accounts it has a block with. Before the first build
there are no trends (an empty list, not a recount).

Only public uses count, so a trend never tells anyone that a private account used a tag. A block
made after a build counts at once; an account that goes private or is suspended after a build
leaves the counts at the next one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from vitrina.core.built_state import state_publish, state_read
from vitrina.posts.models import Hashtag, PostHashtag
from vitrina.social import visibility

TREND_RECENT = timedelta(hours=24)
TREND_BASELINE = timedelta(days=7)
TREND_MIN_USES = 3
TRENDS_EVERY = timedelta(minutes=5)  # a trend is a matter of hours
TRENDS_STATE = "explore.trending"  # the job's name and its built state's
TREND_MAX = 50
TREND_KEPT = 200  # ranked once for everyone; a viewer's blocks correct only these


@dataclass(frozen=True)
class TrendingHashtag:
    name: str
    post_count: int  # posts with the tag in the last TREND_RECENT that the viewer may see
    growth: float


def growth(*, recent: int, before: int) -> float:
    """(uses in the last 24 h + 1) / (uses per day in the 7 days before + 1).

    The +1 on both sides keeps a tag never seen before from dividing by zero and damps the
    noise of tiny numbers: 5 uses today after none all week is 6.0, a steady 5 a day is 1.0.
    """
    return (recent + 1) / (before / (TREND_BASELINE / timedelta(days=1)) + 1)


def _trend_counts(*, now: datetime, authors=None, tags=None) -> dict[int, tuple[int, int]]:
    """{hashtag_id: (uses in the last TREND_RECENT, uses in the TREND_BASELINE before)}.

    Counts uses on posts of active public accounts only. Unfiltered it reads every tag use of
    the last eight days (the job's work, through the post_created index on posts_post); with
    `authors` and `tags`, as a request corrects the kept tags for a viewer's blocks, only those.
    """
    recent_since = now - TREND_RECENT
    links = PostHashtag.objects.filter(
        visibility.content_q(None, account="post__author"), post__created_at__gte=recent_since - TREND_BASELINE,
    )
    if authors is not None:
        links = links.filter(post__author_id__in=authors, hashtag_id__in=tags)
    rows = links.values("hashtag_id").annotate(
        recent=Count("id", filter=Q(post__created_at__gte=recent_since)),
        before=Count("id", filter=Q(post__created_at__lt=recent_since)),
    )
    if authors is None:
        rows = rows.filter(recent__gte=TREND_MIN_USES)
    return {row["hashtag_id"]: (row["recent"], row["before"]) for row in rows}


def _ranked(counts: dict[int, tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(hashtag_id, recent, before) of the tags used at least TREND_MIN_USES times, best first."""
    kept = [(tag_id, recent, before) for tag_id, (recent, before) in counts.items() if recent >= TREND_MIN_USES]
    kept.sort(key=lambda t: (-growth(recent=t[1], before=t[2]), -t[1], t[0]))
    return kept


def trends_build(*, now: datetime) -> list[tuple[int, str, int, int]]:
    """The TREND_KEPT fastest-growing tags at `now`: (id, name, recent, before), best first."""
    kept = _ranked(_trend_counts(now=now))[:TREND_KEPT]
    names = dict(Hashtag.objects.filter(pk__in=[t[0] for t in kept]).values_list("id", "name"))
    return [(tag_id, names[tag_id], recent, before) for tag_id, recent, before in kept]


def trends_publish(*, now: datetime) -> int:
    """Rank the tags and make them the trends requests read; returns how many. Idempotent."""
    trends = trends_build(now=now)
    state_publish(name=TRENDS_STATE, value=trends, built_at=now)
    return len(trends)


def _load_trends(rows: list) -> dict[int, tuple[str, int, int]]:
    return {tag_id: (name, recent, before) for tag_id, name, recent, before in rows}


def trending_hashtags(*, viewer, limit: int = 10) -> list[TrendingHashtag]:
    """Hashtags whose use grows fastest, as of the last build.

        growth = (recent + 1) / (before / 7 + 1)

    ``recent``: uses in the last TREND_RECENT (24 h); ``before``: uses in the TREND_BASELINE
    (7 days) before that, so ``before / 7`` is the usual day. Only uses on public posts the viewer
    may see count (no private accounts, no blocks either way), and a tag needs TREND_MIN_USES (3)
    uses in the last day to count at all: two posts are a coincidence, not a trend. Ties go to more
    uses, then the name. `post_count` is ``recent``.
    """
    built = state_read(TRENDS_STATE, load=_load_trends)
    if built is None:
        return []
    trends = built.value
    counts = {tag_id: (recent, before) for tag_id, (_name, recent, before) in trends.items()}
    if viewer is not None and viewer.is_authenticated and counts:
        # Of the public uses counted for everyone, those by accounts with a block either way are
        # the ones this viewer may not see (vitrina.social.visibility.block_partner_ids).
        others = visibility.block_partner_ids(viewer)
        if others:
            # Counted over the build's windows, so that they subtract from its counts. Only the kept
            # tags are corrected: one that a blocked account kept below them stays out of the list.
            windows = _trend_counts(now=built.built_at, authors=others, tags=counts)
            for tag_id, (recent, before) in windows.items():
                all_recent, all_before = counts[tag_id]
                counts[tag_id] = (all_recent - recent, all_before - before)
    ranked = sorted(_ranked(counts), key=lambda t: (-growth(recent=t[1], before=t[2]), -t[1], trends[t[0]][0]))
    return [
        TrendingHashtag(name=trends[tag_id][0], post_count=recent,
                        growth=round(growth(recent=recent, before=before), 2))
        for tag_id, recent, before in ranked[: max(1, min(limit, TREND_MAX))]
    ]
