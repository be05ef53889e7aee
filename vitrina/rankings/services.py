"""The one write path of the rating: rankings_recompute, run daily (tasks.py) and by `manage.py vitrina_rankings`.

Set-based: the inputs of every account come from a handful of grouped queries (gather.py), the
percentiles from one sort per input per (category, band) group, and the scores go in with
bulk_create. The run is marked finished only after all its scores are written, in the same
transaction, so pages never read half a run.
"""

from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from vitrina.accounts.models import BusinessCategory
from vitrina.rankings import formula, gather
from vitrina.rankings.models import AccountScore, RankingRun, RunStatus

BATCH = 2000
# progress(done, total, what): the stages below, then the scores written.
Progress = Callable[[int, int, str], None]
STAGES = ("accounts", "followers", "signup cohorts", "daily activity", "posts", "orders", "reviews")


def rankings_recompute(*, progress: Progress | None = None, now: datetime | None = None) -> RankingRun:
    now = now or timezone.now()
    run = RankingRun.objects.create(formula_version=formula.FORMULA_VERSION, started_at=timezone.now())
    try:
        with _roomy_sorts():
            rows = _inputs(now=now, progress=progress)
        _score(rows)
        with transaction.atomic():
            total = len(rows)
            _write_scores(run, rows, progress)
            run.accounts = total
            run.status = RunStatus.FINISHED
            run.finished_at = timezone.now()
            run.save(update_fields=["accounts", "status", "finished_at"])
    except Exception:
        RankingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
        raise
    _forget_old_runs()
    return run


def _write_scores(run: RankingRun, rows: list[dict], progress: Progress | None) -> None:
    """The run's rows: COPY on PostgreSQL, BATCH at a time with one prepared INSERT (executemany) on SQLite;
    a hundred thousand rows of forty columns as model instances cost the ORM several times as long.
    A value missing from a row is its field's default, as bulk_create would write it."""
    fields = [f for f in AccountScore._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    sql = (f"INSERT INTO {AccountScore._meta.db_table} ({', '.join(f.column for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    total = len(rows)
    values = ([run.pk if f.attname == "run_id" else row.get(f.attname, defaults[f.attname]) for f in fields]
              for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: no statement per row at all
            with cursor.cursor.copy(f"COPY {AccountScore._meta.db_table} ({', '.join(f.column for f in fields)}) "
                                    f"FROM STDIN") as copy:
                for done, row in enumerate(values, 1):
                    copy.write_row(row)
                    if progress and (done % BATCH == 0 or done == total):
                        progress(done, total, "scores")
            return
        for start in range(0, total, BATCH):
            cursor.executemany(sql, [next(values) for _ in range(min(BATCH, total - start))])
            if progress:
                progress(min(start + BATCH, total), total, "scores")


# SQLite's page cache for the run, in KiB (its default is 2 MiB).
SQLITE_CACHE_KIB = 128 * 1024


@contextmanager
def _roomy_sorts():
    """Room for the gather's grouped scans over millions of follow edges and day rows, for this
    connection only and set back after. PostgreSQL: RANKINGS_WORK_MEM for hashes and sorts (the server's
    default, often 4MB, spills them to disk and makes the run several times slower). SQLite: a larger
    page cache (its sort trees are in memory on every connection: settings, temp_store)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('work_mem', %s, false)", [settings.RANKINGS_WORK_MEM])
            restore = ["RESET work_mem"]
        else:
            restore = [f"PRAGMA cache_size = {cursor.execute('PRAGMA cache_size').fetchone()[0]}"]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in restore:
                cursor.execute(statement)


def _forget_old_runs() -> None:
    keep = settings.RANKINGS_KEEP_RUNS
    finished = RankingRun.objects.filter(status=RunStatus.FINISHED).order_by("-id")
    kept = list(finished.values_list("id", flat=True)[:keep])
    if len(kept) == keep:
        # Older finished runs and any failed one before the oldest kept; a run still going is left alone.
        RankingRun.objects.filter(id__lt=kept[-1]).exclude(status=RunStatus.RUNNING).delete()


def _inputs(*, now: datetime, progress: Progress | None) -> list[dict]:
    today = now.date()
    steps = iter(range(1, len(STAGES) + 1))

    def step(name):
        if progress:
            progress(next(steps), len(STAGES), name)

    accounts = gather.accounts()
    step("accounts")
    shares = gather.follower_shares(now=now)
    step("followers")
    cohorts = gather.signup_cohorts()
    step("signup cohorts")
    days = gather.account_days(today=today)
    step("daily activity")
    ratios = gather.post_ratios(today=today)
    step("posts")
    orders = gather.order_outcomes(now=now)
    step("orders")
    reviews = gather.reviews()
    step("reviews")

    categories = set(BusinessCategory.values)
    rows = []
    for account in accounts:
        account_id, followers = account["id"], account["followers_count"]
        category = account["category"] if account["category"] in categories else BusinessCategory.OTHER
        row = {"account_id": account_id, "category": category, "city": account["city"],
               "band": formula.band_of(followers), "followers": followers}
        row.update(_engagement(ratios.get(account_id, (0, None)), days.get(account_id), followers))
        row.update(_growth(days.get(account_id), followers))
        row.update(_audience(shares.get(account_id), cohorts.get(account_id, []), days.get(account_id)))
        row.update(_commerce(days.get(account_id), orders.get(account_id), reviews.get(account_id)))
        rows.append(row)
    return rows


def _engagement(posts: tuple[int, float | None], days: dict | None, followers: int) -> dict:
    counted, median = posts
    out = {"posts_counted": counted, "post_engagement": None, "engaged_ratio": None}
    if counted >= formula.MIN_POSTS:
        out["post_engagement"] = median
    if days and followers >= formula.MIN_FOLLOWERS and days["engaged_days"] >= formula.MIN_DAYS:
        out["engaged_ratio"] = days["engaged_median"]
    return out


def _growth(days: dict | None, followers: int) -> dict:
    net = (sum(days["follows"]) - days["unfollows"]) if days else 0
    start = followers - net
    return {"growth": net / start if start >= formula.MIN_FOLLOWERS else None}


def _audience(shares: dict | None, cohorts: list[tuple[int, int]], days: dict | None) -> dict:
    out = dict.fromkeys(formula.FLAGS, None)
    n = shares["n"] if shares else 0
    if n < formula.MIN_AUDIENCE:
        return out
    # Followers in a burst cohort that are not already counted as empty.
    burst = sum(size - empty for size, empty in cohorts if size >= formula.BURST_SHARE * n)
    follows = days["follows"] if days else [0] * formula.WINDOW_DAYS
    out.update(inactive_share=(n - shares["active"]) / n, mass_followers_share=shares["mass"] / n,
               burst_or_empty_share=(shares["empty"] + burst) / n, follow_spike_z=formula.follow_spike_z(follows))
    out.update(inactive_flag=out["inactive_share"] > formula.INACTIVE_FLAG,
               mass_followers_flag=out["mass_followers_share"] > formula.MASS_FLAG,
               burst_or_empty_flag=out["burst_or_empty_share"] > formula.BURST_FLAG,
               follow_spike_flag=out["follow_spike_z"] >= formula.SPIKE_Z and max(follows) >= formula.SPIKE_MIN_FOLLOWS)
    out["audience_score"] = formula.audience_score(
        inactive=out["inactive_share"], mass=out["mass_followers_share"], burst_or_empty=out["burst_or_empty_share"],
        spike_flag=out["follow_spike_flag"])
    return out


def _commerce(days: dict | None, orders: dict | None, reviews: tuple[int, int] | None) -> dict:
    out = {"conversion": None, "on_time_rate": None, "refund_rate": None, "review_average": None, "review_count": 0}
    if days and days["product_views"] >= formula.MIN_PRODUCT_VIEWS:
        out["conversion"] = days["orders"] / days["product_views"]
    if orders and orders["orders"] >= formula.MIN_ORDERS:
        out["on_time_rate"] = orders["on_time"] / orders["orders"]
        out["refund_rate"] = orders["refunded"] / orders["orders"]
    if reviews:
        total, count = reviews
        out["review_count"] = count
        if count >= formula.MIN_REVIEWS:
            out["review_average"] = total / count
    return out


def _score(rows: list[dict]) -> None:
    """Percentiles within (category, band), components, the overall score and both ranks, in place."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row["category"], row["band"])].append(row)
    for members in groups.values():
        for term in formula.INPUTS:
            values = [row.get(term.name) for row in members]
            for row, pct in zip(members, formula.percentiles(values, higher_is_better=term.higher_is_better),
                                strict=True):
                row[f"{term.name}_pct"] = pct
    for row in rows:
        by_component = defaultdict(list)
        for term in formula.INPUTS:
            by_component[term.component].append(row[f"{term.name}_pct"])
        row["engagement_score"] = formula.mean_or_none(by_component[formula.ENGAGEMENT])
        row["growth_score"] = formula.mean_or_none(by_component[formula.GROWTH])
        row["commerce_score"] = formula.mean_or_none(by_component[formula.COMMERCE])
        row.setdefault("audience_score", None)
        row["score"] = formula.overall({
            formula.ENGAGEMENT: row["engagement_score"], formula.GROWTH: row["growth_score"],
            formula.AUDIENCE: row["audience_score"], formula.COMMERCE: row["commerce_score"]})
    ranked = sorted((row for row in rows if row["score"] is not None), key=lambda r: (-r["score"], r["account_id"]))
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank
    for members in groups.values():
        scored = sorted((r for r in members if r["score"] is not None), key=lambda r: (-r["score"], r["account_id"]))
        for rank, row in enumerate(scored, 1):
            row["group_rank"] = rank
            row["group_size"] = len(scored)
