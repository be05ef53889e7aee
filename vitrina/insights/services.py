"""Folding hits into days, pruning, and forgetting an account.

`fold_day(day)` recomputes one UTC day from scratch and replaces that day's AccountDay and PostDay
rows in one transaction, so running it again (the job folds today and yesterday every quarter of an
hour) gives the same rows. It is set-based: a handful of grouped queries over the day's rows, one
bulk insert per table; nothing loops over all accounts.

Before counting, it deletes the day's hits that must not count and that recording could not know
about: viewers who are inactive, suspended or staff, and viewers on either side of a block with the
account. Reach over a period (selectors) reads the raw hits, which are then clean for every folded day.

Followers on a day are the account's followers_count now less the follows and plus the unfollows
recorded after that day: exact for today and yesterday, and as exact as the recorded follows for
older days (follows before insights existed, or of purged accounts, are not in the hits).
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from vitrina.accounts.models import AccountType, Block, User
from vitrina.insights.models import AccountDay, Audience, Hit, Kind, PostDay
from vitrina.messaging.models import Message
from vitrina.posts.models import Comment, Like, Post, Save

# AccountDay field per hit kind (post views are counted apart: views and reach).
KIND_FIELDS = {
    Kind.PROFILE_VISIT: "profile_visits",
    Kind.WEBSITE_TAP: "website_taps",
    Kind.TAG_TAP: "tag_taps",
    Kind.PRODUCT_VIEW: "product_views",
    Kind.ADD_TO_CART: "add_to_cart",
    Kind.ORDER: "orders",
    Kind.FOLLOW: "follows",
    Kind.UNFOLLOW: "unfollows",
}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _drop_uncounted(start: datetime, end: datetime) -> None:
    """Delete the window's hits by viewers that must not count (see the module's docstring)."""
    hits = Hit.objects.filter(created_at__gte=start, created_at__lt=end, viewer_id__isnull=False)
    bad_viewers = User.objects.filter(Q(is_active=False) | Q(suspended_at__isnull=False) | Q(is_staff=True))
    hits.filter(viewer_id__in=bad_viewers.values("id")).delete()
    blocked = Block.objects.filter(
        Q(blocker_id=OuterRef("account_id"), blocked_id=OuterRef("viewer_id"))
        | Q(blocker_id=OuterRef("viewer_id"), blocked_id=OuterRef("account_id")))
    # Only accounts in a block can have such hits: the Exists runs on those rows alone.
    in_blocks = Block.objects.values("blocker_id")
    hits.filter(account_id__in=in_blocks).filter(Exists(blocked)).delete()


def _interactions(group: str) -> str:
    """Likes, comments, saves and shares (posts sent in messages) made in [start, end) on posts by others
    than their author, counted per author (with the distinct accounts behind them) or per post."""
    post, like, comment, save, message = (m._meta.db_table for m in (Post, Like, Comment, Save, Message))
    window = "created_at >= %s AND created_at < %s"
    rows = (f"SELECT post_id, user_id AS who FROM {like} WHERE {window} "
            f"UNION ALL SELECT post_id, author_id FROM {comment} WHERE {window} "
            f"UNION ALL SELECT post_id, user_id FROM {save} WHERE {window} "
            f"UNION ALL SELECT post_id, sender_id FROM {message} WHERE post_id IS NOT NULL AND {window}")
    if group == "author":
        select, by = "p.author_id, COUNT(*) AS n, COUNT(DISTINCT i.who) AS engaged", "p.author_id"
    else:
        select, by = "p.id, p.author_id, COUNT(*) AS n", "p.id, p.author_id"
    return (f"SELECT {select} FROM ({rows}) i JOIN {post} p ON p.id = i.post_id "
            f"WHERE i.who <> p.author_id GROUP BY {by}")


def db_time(moment: datetime):
    """A datetime as the database stores it, for raw SQL (SQLite compares text: no offset there)."""
    return connection.ops.adapt_datetimefield_value(moment)


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _count_kind(kind: int) -> str:
    return f"SUM(CASE WHEN kind = {int(kind)} THEN 1 ELSE 0 END)"


def _fold_accounts(day: date, start: datetime, end: datetime) -> None:
    """One INSERT ... SELECT: the day's hits, the interactions and every creator and business account
    (their followers every day), summed per account; then followers, revenue and what came after."""
    table, hit, user = AccountDay._meta.db_table, Hit._meta.db_table, User._meta.db_table
    fields = ["views", "reach", *KIND_FIELDS.values(), "interactions", "engaged"]
    # The first SELECT of the UNION names the columns.
    from_hits = ", ".join(f"{expr} AS {name}" for expr, name in zip(
        [_count_kind(Kind.POST_VIEW), f"COUNT(DISTINCT CASE WHEN kind = {int(Kind.POST_VIEW)} THEN viewer_id END)",
         *(_count_kind(kind) for kind in KIND_FIELDS), "0", "0"], fields))
    nothing = ", ".join(["0"] * (len(fields) - 2))
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    sql = (f"INSERT INTO {table} (account_id, day, {', '.join(fields)}, revenue) "
           f"SELECT account_id, %s, {', '.join(f'SUM({f})' for f in fields)}, {empty_json} FROM ("
           f"SELECT account_id, {from_hits} FROM {hit} WHERE created_at >= %s AND created_at < %s GROUP BY account_id "
           f"UNION ALL SELECT i.author_id, {nothing}, i.n, i.engaged FROM ({_interactions('author')}) i "
           f"UNION ALL SELECT id, {nothing}, 0, 0 FROM {user} WHERE is_active AND account_type IN (%s, %s)"
           f") x GROUP BY account_id")
    since, until, on = db_time(start), db_time(end), connection.ops.adapt_datefield_value(day)
    _execute(sql, [on, since, until, *[since, until] * 4, AccountType.CREATOR, AccountType.BUSINESS])
    # Followers now, taken back by the follows recorded after the day (see the module's docstring).
    _execute(f"UPDATE {table} SET followers = (SELECT followers_count FROM {user} u WHERE u.id = {table}.account_id) "
             f"WHERE day = %s", [on])
    AccountDay.objects.filter(day=day, followers__isnull=True).delete()  # accounts gone: purged with their hits
    later = (Hit.objects.filter(created_at__gte=end, kind__in=[Kind.FOLLOW, Kind.UNFOLLOW])
             .values("account_id").annotate(net=Count("id", filter=Q(kind=Kind.FOLLOW))
                                            - Count("id", filter=Q(kind=Kind.UNFOLLOW))).order_by())
    net_after = {row["account_id"]: row["net"] for row in later if row["net"]}
    revenue: dict[int, dict] = {}
    for account_id, currency, total in (Hit.objects.filter(created_at__gte=start, created_at__lt=end, kind=Kind.ORDER)
                                        .exclude(currency="").values_list("account_id", "currency")
                                        .annotate(Sum("amount")).order_by()):
        revenue.setdefault(account_id, {})[currency] = str(Decimal(total or 0).quantize(Decimal("0.01")))
    changed = list(AccountDay.objects.filter(day=day, account_id__in=set(net_after) | set(revenue)))
    for row in changed:
        row.followers = max(0, row.followers - net_after.get(row.account_id, 0))
        row.revenue = revenue.get(row.account_id, {})
    AccountDay.objects.bulk_update(changed, ["followers", "revenue"], batch_size=500)


def _fold_posts(day: date, start: datetime, end: datetime) -> None:
    table, hit, post = PostDay._meta.db_table, Hit._meta.db_table, Post._meta.db_table
    sql = (f"INSERT INTO {table} (post_id, account_id, day, views, reach, interactions) "
           f"SELECT post_id, MAX(account_id), %s, SUM(views), SUM(reach), SUM(interactions) FROM ("
           f"SELECT post_id, account_id, COUNT(*) AS views, COUNT(DISTINCT viewer_id) AS reach, 0 AS interactions "
           f"FROM {hit} WHERE kind = {int(Kind.POST_VIEW)} AND post_id IS NOT NULL "
           f"AND created_at >= %s AND created_at < %s GROUP BY post_id, account_id "
           f"UNION ALL SELECT i.id, i.author_id, 0, 0, i.n FROM ({_interactions('post')}) i"
           f") x GROUP BY post_id")  # one row a post, whatever a crafted hit says its account is
    since, until, on = db_time(start), db_time(end), connection.ops.adapt_datefield_value(day)
    _execute(sql, [on, since, until, *[since, until] * 4])
    # Views of posts deleted since: their rows go (the post's hits went with it or will at the prune).
    _execute(f"DELETE FROM {table} WHERE day = %s AND NOT EXISTS (SELECT 1 FROM {post} p WHERE p.id = {table}.post_id)",
             [on])


FOLDS_KEY = "insights:folds"


def folds_generation() -> int:
    """Moves on with every fold: the insights read (selectors.insights_for) is cached per generation."""
    return cache.get(FOLDS_KEY) or 0


def _next_generation() -> None:
    try:
        cache.incr(FOLDS_KEY)
    except ValueError:  # not there yet (or evicted)
        cache.set(FOLDS_KEY, 1, None)


def fold_day(day: date) -> tuple[int, int]:
    """Recompute the day's AccountDay and PostDay rows (idempotent); returns how many of each."""
    start, end = day_bounds(day)
    with transaction.atomic():
        transaction.on_commit(_next_generation)
        _drop_uncounted(start, end)
        AccountDay.objects.filter(day=day).delete()
        PostDay.objects.filter(day=day).delete()
        _fold_accounts(day, start, end)
        _fold_posts(day, start, end)
    return AccountDay.objects.filter(day=day).count(), PostDay.objects.filter(day=day).count()


# Yesterday's hits still on their way (a process's buffer, the Redis list) land within this much of
# midnight; a fold of yesterday after that is its last.
LATE_HITS = timedelta(hours=1)
FINAL_KEY = "insights:final-day"


def fold_recent(*, now: datetime | None = None) -> None:
    """Today, and yesterday until its last fold after LATE_HITS: a day's fold costs as much as the day
    has hits, so folding a finished day again every quarter of an hour would double the job for nothing.
    The cache remembers the day that is final; forgotten, yesterday is simply folded once more."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    yesterday = today - timedelta(days=1)
    if cache.get(FINAL_KEY) != yesterday.isoformat():
        settled = now >= day_bounds(today)[0] + LATE_HITS  # decided before the fold, which takes a while
        fold_day(yesterday)
        if settled:
            cache.set(FINAL_KEY, yesterday.isoformat(), timeout=2 * 24 * 3600)
    fold_day(today)


def prune(*, now: datetime | None = None) -> tuple[int, int]:
    """Hits past INSIGHTS_RETENTION_DAYS and day rows past INSIGHTS_AGGREGATE_DAYS; returns what went."""
    now = now or timezone.now()
    hits, _ = Hit.objects.filter(created_at__lt=now - timedelta(days=settings.INSIGHTS_RETENTION_DAYS)).delete()
    oldest_day = (now - timedelta(days=settings.INSIGHTS_AGGREGATE_DAYS)).astimezone(UTC).date()
    days, _ = AccountDay.objects.filter(day__lt=oldest_day).delete()
    post_days, _ = PostDay.objects.filter(day__lt=oldest_day).delete()
    return hits, days + post_days


def account_forget(*, account_id: int) -> None:
    """An account's purge: its insights and its trail in others' raw hits go (the day totals stay)."""
    Hit.objects.filter(Q(account_id=account_id) | Q(viewer_id=account_id)).delete()
    AccountDay.objects.filter(account_id=account_id).delete()
    PostDay.objects.filter(account_id=account_id).delete()
    Audience.objects.filter(account_id=account_id).delete()
