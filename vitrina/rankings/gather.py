"""The rating's inputs for every eligible account, read with a handful of GROUP BY queries.

Each function reads one source for all accounts at once (never a query per account) and returns
{account id: values}. rankings_recompute (services.py) turns these into inputs with the formula.
The follower scans are the heavy part: one pass over the follow edges of the eligible accounts
joined to the followers for the shares, and one grouped by the followers' signup hour for bursts.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Substr, TruncHour

from vitrina.accounts.models import AccountType, User
from vitrina.accounts.selectors import active_since
from vitrina.insights.models import AccountDay, PostDay
from vitrina.orders.models import Order, OrderStatus
from vitrina.rankings import formula
from vitrina.shop.models import Shop
from vitrina.social.models import Follow

CHUNK = 20_000


def eligible_accounts():
    """Business accounts that may be listed to someone: active (not suspended or deactivated) and public.

    Pages check the same again when they read (vitrina.rankings.selectors), since an account may be
    suspended or go private after the run.
    """
    return User.objects.filter(account_type=AccountType.BUSINESS, is_active=True, is_private=False)


def accounts() -> list[dict]:
    return list(eligible_accounts().order_by("id").values("id", "category", "city", "followers_count"))


def follower_shares(*, now: datetime) -> dict[int, dict]:
    """Per account: followers counted, active ones, mass followers, empty ones (no posts and no avatar)."""
    since = now - timedelta(days=formula.ACTIVE_DAYS)
    active = active_since(since, via="follower__")
    rows = (Follow.objects.filter(target_id__in=eligible_accounts().values("id"))
            .values("target_id")
            .annotate(n=Count("id"), active=Count("id", filter=active),
                      mass=Count("id", filter=Q(follower__following_count__gt=formula.MASS_FOLLOWING)),
                      empty=Count("id", filter=Q(follower__posts_count=0, follower__avatar="")))
            .order_by())
    return {row.pop("target_id"): row for row in rows.iterator(chunk_size=CHUNK)}


def _signup_hour(field: str = "follower__date_joined"):
    # SQLite keeps datetimes as ISO text: the first 13 characters are the hour, with no function call
    # per row (TruncHour is a Python function there). PostgreSQL truncates natively.
    if connection.vendor == "sqlite":
        return Substr(F(field), 1, 13)
    return TruncHour(field)


def signup_cohorts() -> dict[int, list[tuple[int, int]]]:
    """Per account: (size, empty ones) of each signup hour cohort of its followers of BURST_MIN or more.

    Only an hour in which BURST_MIN accounts or more signed up at all can hold such a cohort: those hours
    are found first over the accounts (small), and only their accounts' follow edges are grouped."""
    crowded = (User.objects.values(hour=_signup_hour(field="date_joined")).annotate(n=Count("id"))
               .filter(n__gte=formula.BURST_MIN).values("hour").order_by())
    rows = (Follow.objects.filter(target_id__in=eligible_accounts().values("id"))
            .annotate(cohort=_signup_hour()).filter(cohort__in=crowded)
            .values("target_id", "cohort")
            .annotate(n=Count("id"), empty=Count("id", filter=Q(follower__posts_count=0, follower__avatar="")))
            .filter(n__gte=formula.BURST_MIN)
            .order_by())
    cohorts = defaultdict(list)
    for row in rows.iterator(chunk_size=CHUNK):
        cohorts[row["target_id"]].append((row["n"], row["empty"]))
    return cohorts


def _medians(values_sql: str, params: list) -> dict[int, tuple[int, float]]:
    """{account id: (how many values, their median)} of a subquery's (account_id, r) rows, taken in the
    database so millions of rows never cross into Python: percentile_cont on PostgreSQL, the middle one
    or two rows by window functions on SQLite (the same middle-two mean as formula.median)."""
    if connection.vendor == "postgresql":
        sql = (f"SELECT account_id, COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY r) "
               f"FROM ({values_sql}) v GROUP BY account_id")
    else:
        sql = (f"SELECT account_id, MAX(n), AVG(r) FROM (SELECT account_id, r, "
               f"ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY r) AS i, "
               f"COUNT(*) OVER (PARTITION BY account_id) AS n FROM ({values_sql}) v) m "
               f"WHERE i IN ((n + 1) / 2, (n + 2) / 2) GROUP BY account_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {account_id: (n, median) for account_id, n, median in cursor.fetchall()}


def account_days(*, today) -> dict[int, dict]:
    """Per account over the window: follows per day, the sums, and the count and median of engaged ÷
    followers over its active days (a day without its own follower count is measured against today's)."""
    since = today - timedelta(days=formula.WINDOW_DAYS - 1)
    window = AccountDay.objects.filter(account_id__in=eligible_accounts().values("id"), day__gte=since,
                                       day__lte=today).order_by()
    days = {}
    for row in window.values("account_id").annotate(unfollows=Sum("unfollows"), product_views=Sum("product_views"),
                                                    orders=Sum("orders")).iterator(chunk_size=CHUNK):
        days[row.pop("account_id")] = {**row, "follows": [0] * formula.WINDOW_DAYS, "engaged_days": 0,
                                       "engaged_median": None}
    for account_id, day, follows in window.filter(follows__gt=0).values_list("account_id", "day", "follows") \
            .iterator(chunk_size=CHUNK):
        days[account_id]["follows"][(day - since).days] += follows
    # Engaged ÷ followers of each active day of the accounts with enough followers for the ratio.
    rated, rated_params = (eligible_accounts().filter(followers_count__gte=formula.MIN_FOLLOWERS).values("id")
                           .query.sql_with_params())
    on = connection.ops.adapt_datefield_value
    sql = (f"SELECT d.account_id, CAST(d.engaged AS DOUBLE PRECISION) / COALESCE(NULLIF(d.followers, 0), "
           f"u.followers_count) AS r FROM {AccountDay._meta.db_table} d JOIN {User._meta.db_table} u "
           f"ON u.id = d.account_id WHERE d.account_id IN ({rated}) AND d.day >= %s AND d.day <= %s "
           f"AND (d.views > 0 OR d.interactions > 0)")
    for account_id, (n, median) in _medians(sql, [*rated_params, on(since), on(today)]).items():
        days[account_id].update(engaged_days=n, engaged_median=median)
    return days


def post_ratios(*, today) -> dict[int, tuple[int, float]]:
    """Per account: (posts counted, the median of interactions ÷ reach over them), each post's interactions
    and reach summed over the window's days; the medians taken in the database (_medians).

    The day rows are grouped by post alone (a post has one author). Where the eligible accounts are
    picked differs by database: PostgreSQL hash-joins them to the day rows before grouping; SQLite,
    given that filter, looks up each account's day rows and sorts them all, so there the groups come
    first, walking the (post, day) unique index in order with no sort, and the authors are picked from
    them (every account on the benchmark's network: 16 s to 5 s)."""
    since = today - timedelta(days=formula.WINDOW_DAYS - 1)
    eligible = eligible_accounts().values("id")
    filter_first = connection.vendor == "postgresql"
    per_post = PostDay.objects.filter(day__gte=since, day__lte=today)
    if filter_first:
        per_post = per_post.filter(account_id__in=eligible)
    per_post = (per_post.values("post_id")
                .annotate(author=Min("account_id"), interactions=Sum("interactions"), reach=Sum("reach"))
                .filter(reach__gt=0)
                .values_list("author", "interactions", "reach")
                .order_by())
    sql, params = per_post.query.sql_with_params()
    sql = f"SELECT author AS account_id, CAST(interactions AS DOUBLE PRECISION) / reach AS r FROM ({sql}) p"
    if not filter_first:
        eligible_sql, eligible_params = eligible.query.sql_with_params()
        sql, params = f"{sql} WHERE author IN ({eligible_sql})", [*params, *eligible_params]
    return _medians(sql, list(params))


def order_outcomes(*, now: datetime) -> dict[int, dict]:
    """Per shop owner: orders counted, shipped on time, refunded (formula: ORDER_WINDOW_DAYS, ON_TIME_DAYS)."""
    on_time = timedelta(days=formula.ON_TIME_DAYS)
    rows = (Order.objects.filter(shop__owner_id__in=eligible_accounts().values("id"),
                                 created_at__gte=now - timedelta(days=formula.ORDER_WINDOW_DAYS),
                                 created_at__lte=now - on_time)
            .exclude(status=OrderStatus.CANCELLED)
            .values("id")
            .annotate(shipped_at=Min("events__created_at", filter=Q(events__to_status=OrderStatus.SHIPPED)))
            .values_list("shop__owner_id", "created_at", "status", "shipped_at")
            .order_by())
    outcomes = defaultdict(lambda: {"orders": 0, "on_time": 0, "refunded": 0})
    for owner_id, created_at, status, shipped_at in rows.iterator(chunk_size=CHUNK):
        acc = outcomes[owner_id]
        acc["orders"] += 1
        acc["on_time"] += shipped_at is not None and shipped_at - created_at <= on_time
        acc["refunded"] += status == OrderStatus.REFUNDED
    return outcomes


def reviews() -> dict[int, tuple[int, int]]:
    """Per shop owner: (total of the seller ratings, their count)."""
    rows = Shop.objects.filter(owner_id__in=eligible_accounts().values("id")).values_list(
        "owner_id", "rating_total", "rating_count")
    return {owner_id: (total, count) for owner_id, total, count in rows}
