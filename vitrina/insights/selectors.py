"""An account's insights over 7, 28 or 90 days, next to the period before: the one read behind the
page, the CSV export and /me/insights.

Definitions (docs in README "Insights"):
- views: post views (a viewer's view of a post counts once an hour; signed-out visitors count);
- reach: distinct signed-in accounts that saw a post over the whole period (from the raw hits, so it is
  not the sum of daily reaches); None when the period is older than the raw hits are kept;
- frequency: views ÷ reach;
- interactions: likes + comments + saves + shares (posts sent in messages) by others, made in the period;
- engaged: distinct accounts behind those interactions over the whole period;
- follower growth: follows − unfollows; % of the followers at the start of the period;
- engagement rate (percent): the median, over the posts published in the period, of the post's interactions so far
  ÷ the followers on the day of the post;
- audience: top cities and account types of the followers, and the share of them active (opened Vitrina)
  in the last 30 days; hidden below INSIGHTS_MIN_AUDIENCE followers.
Days without data are zeros.
"""

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import Forbidden
from vitrina.insights.audience import audience_of
from vitrina.insights.models import AccountDay, Hit, Kind, PostDay
from vitrina.insights.services import day_bounds, db_time, folds_generation
from vitrina.messaging.models import Message
from vitrina.posts.models import Comment, Like, Post, Save

PERIODS = (7, 28, 90)
DEFAULT_DAYS = 28
SUMMED = ("views", "profile_visits", "website_taps", "tag_taps", "product_views", "add_to_cart", "orders",
          "follows", "unfollows", "interactions")
TOP_POSTS = 5


@dataclass
class Totals:
    start: date
    end: date
    views: int = 0
    reach: int | None = 0
    profile_visits: int = 0
    website_taps: int = 0
    tag_taps: int = 0
    product_views: int = 0
    add_to_cart: int = 0
    orders: int = 0
    follows: int = 0
    unfollows: int = 0
    interactions: int = 0
    engaged: int = 0
    revenue: dict = field(default_factory=dict)
    followers_start: int = 0
    followers_end: int = 0

    @property
    def frequency(self) -> float | None:
        return round(self.views / self.reach, 2) if self.reach else None

    @property
    def net_follows(self) -> int:
        return self.follows - self.unfollows

    @property
    def growth_percent(self) -> float | None:
        return round(self.net_follows * 100 / self.followers_start, 1) if self.followers_start else None


@dataclass
class Insights:
    account: User
    days: int
    current: Totals
    previous: Totals
    series: list[dict]
    engagement_rate: float | None
    top_by_reach: list[dict]
    top_by_engagement: list[dict]
    audience: dict | None  # None below the threshold
    min_audience: int
    funnel: list[dict]

    def change(self, name: str) -> float | None:
        """Percent change of a metric against the previous period (None where it had none)."""
        now, before = getattr(self.current, name), getattr(self.previous, name)
        if now is None or not before:
            return None
        return round((now - before) * 100 / before, 1)


def check_access(viewer, account: User) -> None:
    """Only the account itself, and only a creator or business account, reads its insights."""
    if viewer is None or not viewer.is_authenticated or viewer.pk != account.pk or not account.is_professional:
        raise Forbidden(_("Insights are for your own creator or business account."), code="forbidden")


def parse_days(value) -> int | None:
    """7, 28 or 90 from a query string; None for anything else."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return None
    return days if days in PERIODS else None


def _window(start: date, end: date):
    return day_bounds(start)[0], day_bounds(end)[1]


def _reach(account_id: int, start: date, end: date) -> int | None:
    if timezone.now().astimezone(UTC).date() - start > timedelta(days=settings.INSIGHTS_RETENTION_DAYS):
        return None
    since, until = _window(start, end)
    return (Hit.objects.filter(account_id=account_id, kind=Kind.POST_VIEW, created_at__gte=since,
                               created_at__lt=until, viewer_id__isnull=False)
            .aggregate(n=Count("viewer_id", distinct=True))["n"])


def _engaged(account_id: int, start: date, end: date) -> int:
    """Distinct others who liked, commented, saved or sent one of the account's posts in the period."""
    since, until = _window(start, end)
    post, like, comment, save, message = (m._meta.db_table for m in (Post, Like, Comment, Save, Message))
    own = f"post_id IN (SELECT id FROM {post} WHERE author_id = %s) AND created_at >= %s AND created_at < %s"
    sql = (f"SELECT COUNT(DISTINCT who) FROM (SELECT user_id AS who FROM {like} WHERE {own} "
           f"UNION ALL SELECT author_id FROM {comment} WHERE {own} UNION ALL SELECT user_id FROM {save} WHERE {own} "
           f"UNION ALL SELECT sender_id FROM {message} WHERE {own}) i WHERE who <> %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [account_id, db_time(since), db_time(until)] * 4 + [account_id])
        return cursor.fetchone()[0]


def _totals(account: User, rows: list[AccountDay], start: date, end: date) -> Totals:
    totals = Totals(start=start, end=end)
    revenue: dict[str, Decimal] = {}
    inside = [r for r in rows if start <= r.day <= end]
    for row in inside:
        for name in SUMMED:
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
        for currency, amount in (row.revenue or {}).items():
            revenue[currency] = revenue.get(currency, Decimal(0)) + Decimal(amount)
    totals.revenue = {c: str(v.quantize(Decimal("0.01"))) for c, v in sorted(revenue.items())}
    totals.reach = _reach(account.pk, start, end)
    totals.engaged = _engaged(account.pk, start, end)
    known = [r for r in inside if r.followers is not None]
    totals.followers_end = known[-1].followers if known else account.followers_count
    totals.followers_start = max(0, totals.followers_end - totals.net_follows)
    return totals


def _series(rows: list[AccountDay], start: date, end: date) -> list[dict]:
    by_day = {r.day: r for r in rows}
    out = []
    day = start
    while day <= end:
        row = by_day.get(day)
        out.append({"day": day, "views": row.views if row else 0, "reach": row.reach if row else 0,
                    "follows": row.follows if row else 0, "unfollows": row.unfollows if row else 0,
                    "interactions": row.interactions if row else 0,
                    "followers": row.followers if row and row.followers is not None else None})
        day += timedelta(days=1)
    return out


def _posts(account: User, rows: list[AccountDay], start: date, end: date) -> tuple[float | None, list, list]:
    since, until = _window(start, end)
    posts = list(Post.objects.filter(author=account, created_at__gte=since, created_at__lt=until)
                 .only("id", "created_at", "caption").order_by("id"))
    in_period = (PostDay.objects.filter(account_id=account.pk, day__gte=start, day__lte=end)
                 .values("post_id").annotate(reach=Sum("reach"), views=Sum("views"), interactions=Sum("interactions"))
                 .order_by())
    stats = {r["post_id"]: r for r in in_period}
    followers_on = {r.day: r.followers for r in rows if r.followers}
    rates = []
    for post in posts:
        followers = followers_on.get(post.created_at.astimezone(UTC).date()) or account.followers_count
        if followers:
            # A post published in the period has all its days in it: its interactions so far are its sum here.
            so_far = stats[post.pk]["interactions"] if post.pk in stats else 0
            rates.append(so_far / followers)
    rate = round(statistics.median(rates) * 100, 2) if rates else None
    captions = dict(Post.objects.filter(pk__in=list(stats), author=account).values_list("id", "caption"))

    # The daily rows sum reach day by day; the few candidates get their distinct reach over the period.
    candidates = sorted((s for s in stats.values() if s["post_id"] in captions),
                        key=lambda s: (-s["reach"], -s["post_id"]))[:TOP_POSTS * 2]
    if candidates:
        distinct = dict(Hit.objects.filter(post_id__in=[s["post_id"] for s in candidates], kind=Kind.POST_VIEW,
                                           created_at__gte=since, created_at__lt=until, viewer_id__isnull=False)
                        .values("post_id").annotate(n=Count("viewer_id", distinct=True)).order_by()
                        .values_list("post_id", "n"))
        for s in candidates:
            s["reach"] = distinct.get(s["post_id"], 0)

    def top(key, pool):
        best = sorted((s for s in pool if s["post_id"] in captions and s[key]),
                      key=lambda s: (-s[key], -s["post_id"]))[:TOP_POSTS]
        return [{"post_id": s["post_id"], "caption": captions[s["post_id"]][:80], "reach": s["reach"],
                 "views": s["views"], "interactions": s["interactions"]} for s in best]

    return rate, top("reach", candidates), top("interactions", stats.values())


def _funnel(t: Totals) -> list[dict]:
    steps = [("tag_taps", t.tag_taps), ("product_views", t.product_views), ("add_to_cart", t.add_to_cart),
             ("orders", t.orders)]
    out = []
    for i, (name, value) in enumerate(steps):
        before = steps[i - 1][1] if i else None
        out.append({"step": name, "count": value,
                    "conversion": round(value * 100 / before, 1) if before else None})
    return out


def insights_for(viewer, account: User, days: int, *, today: date | None = None) -> Insights:
    """The account's insights for the last `days` days (today included) and the `days` before; 403 for
    anyone but the account itself, and for personal accounts."""
    check_access(viewer, account)
    if days not in PERIODS:
        days = DEFAULT_DAYS
    today = today or timezone.now().astimezone(UTC).date()
    # Read once per fold (services.fold_day moves the generation on): the period's reach counts distinct
    # viewers over up to a million raw hits, too slow to count again on every open of the page.
    key = f"insights:v1:{account.pk}:{days}:{today.isoformat()}:{folds_generation()}"
    found = cache.get(key)
    if found is None:
        found = _insights(account, days, today)
        cache.set(key, found, settings.INSIGHTS_CACHE_SECONDS)
    # The audience is counted hourly (vitrina.insights.audience) and the threshold is read now.
    found.account, found.audience, found.min_audience = account, audience_of(account), settings.INSIGHTS_MIN_AUDIENCE
    return found


def _insights(account: User, days: int, today: date) -> Insights:
    start = today - timedelta(days=days - 1)
    prev_start, prev_end = start - timedelta(days=days), start - timedelta(days=1)
    rows = list(AccountDay.objects.filter(account_id=account.pk, day__gte=prev_start, day__lte=today)
                .order_by("day"))
    current = _totals(account, rows, start, today)
    previous = _totals(account, rows, prev_start, prev_end)
    rate, by_reach, by_engagement = _posts(account, rows, start, today)
    return Insights(account=account, days=days, current=current, previous=previous,
                    series=_series(rows, start, today), engagement_rate=rate, top_by_reach=by_reach,
                    top_by_engagement=by_engagement, audience=None, min_audience=0, funnel=_funnel(current))

