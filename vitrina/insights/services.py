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
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from vitrina.accounts.models import AccountType, Block, User
from vitrina.insights.models import AccountDay, Hit, Kind, PostDay
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


def _interactions_sql(group: str) -> str:
    """Likes, comments, saves and shares (posts sent in messages) made in [start, end) on posts by
    others than their author, grouped by `group` ("author" or "post")."""
    post, like, comment, save, message = (m._meta.db_table for m in (Post, Like, Comment, Save, Message))
    window = "created_at >= %s AND created_at < %s"
    rows = (f"SELECT post_id, user_id AS who FROM {like} WHERE {window} "
            f"UNION ALL SELECT post_id, author_id FROM {comment} WHERE {window} "
            f"UNION ALL SELECT post_id, user_id FROM {save} WHERE {window} "
            f"UNION ALL SELECT post_id, sender_id FROM {message} WHERE post_id IS NOT NULL AND {window}")
    if group == "author":
        select, by = "p.author_id, COUNT(*), COUNT(DISTINCT i.who)", "p.author_id"
    else:
        select, by = "p.id, p.author_id, COUNT(*)", "p.id, p.author_id"
    return (f"SELECT {select} FROM ({rows}) i JOIN {post} p ON p.id = i.post_id "
            f"WHERE i.who <> p.author_id GROUP BY {by}")


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _account_rows(day: date, start: datetime, end: datetime) -> list[AccountDay]:
    hits = Hit.objects.filter(created_at__gte=start, created_at__lt=end)
    counted = {"views": Count("id", filter=Q(kind=Kind.POST_VIEW)),
               "reach": Count("viewer_id", distinct=True, filter=Q(kind=Kind.POST_VIEW))}
    counted |= {field: Count("id", filter=Q(kind=kind)) for kind, field in KIND_FIELDS.items()}
    rows: dict[int, dict] = {}
    for row in hits.values("account_id").annotate(**counted).order_by():
        rows[row.pop("account_id")] = row
    for account_id, currency, total in (hits.filter(kind=Kind.ORDER).exclude(currency="")
                                        .values_list("account_id", "currency").annotate(Sum("amount")).order_by()):
        revenue = rows[account_id].setdefault("revenue", {})
        revenue[currency] = str(Decimal(total or 0).quantize(Decimal("0.01")))
    window = [start, end] * 4
    for account_id, interactions, engaged in _run(_interactions_sql("author"), window):
        rows.setdefault(account_id, {}).update(interactions=interactions, engaged=engaged)
    # Creator and business accounts get a row every day (their followers), active or not.
    professional = User.objects.filter(account_type__in=[AccountType.CREATOR, AccountType.BUSINESS], is_active=True)
    for account_id in professional.values_list("id", flat=True):
        rows.setdefault(account_id, {})
    # Followers at the end of the day: now, less what changed after it (see the docstring).
    later = (Hit.objects.filter(created_at__gte=end, kind__in=[Kind.FOLLOW, Kind.UNFOLLOW])
             .values("account_id").annotate(net=Count("id", filter=Q(kind=Kind.FOLLOW))
                                            - Count("id", filter=Q(kind=Kind.UNFOLLOW))).order_by())
    net_after = {row["account_id"]: row["net"] for row in later}
    followers = dict(User.objects.filter(pk__in=list(rows)).values_list("id", "followers_count")) if len(
        rows) < 30000 else dict(User.objects.values_list("id", "followers_count"))
    objs = []
    for account_id, fields in rows.items():
        now = followers.get(account_id)
        if now is None:
            continue  # the account is gone; its hits go with its purge
        fields["followers"] = max(0, now - net_after.get(account_id, 0))
        objs.append(AccountDay(account_id=account_id, day=day, **fields))
    return objs


def _post_rows(day: date, start: datetime, end: datetime) -> list[PostDay]:
    views = (Hit.objects.filter(created_at__gte=start, created_at__lt=end, kind=Kind.POST_VIEW,
                                post_id__isnull=False)
             .values("post_id", "account_id")
             .annotate(views=Count("id"), reach=Count("viewer_id", distinct=True)).order_by())
    rows = {row["post_id"]: row for row in views}
    for post_id, account_id, interactions in _run(_interactions_sql("post"), [start, end] * 4):
        rows.setdefault(post_id, {"post_id": post_id, "account_id": account_id})["interactions"] = interactions
    existing = set(Post.objects.filter(pk__in=list(rows)).values_list("id", flat=True)) if len(rows) < 30000 else None
    return [PostDay(day=day, **row) for post_id, row in rows.items() if existing is None or post_id in existing]


def fold_day(day: date) -> tuple[int, int]:
    """Recompute the day's AccountDay and PostDay rows (idempotent); returns how many of each."""
    start, end = day_bounds(day)
    with transaction.atomic():
        _drop_uncounted(start, end)
        accounts = _account_rows(day, start, end)
        posts = _post_rows(day, start, end)
        AccountDay.objects.filter(day=day).delete()
        PostDay.objects.filter(day=day).delete()
        AccountDay.objects.bulk_create(accounts, batch_size=2000)
        PostDay.objects.bulk_create(posts, batch_size=2000)
    return len(accounts), len(posts)


def fold_recent(*, now: datetime | None = None) -> None:
    """Today and yesterday (a hit written late for yesterday still lands)."""
    today = (now or timezone.now()).astimezone(UTC).date()
    fold_day(today - timedelta(days=1))
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
