"""The timed phases of bench/insights.py, run in its process on the data in place (Django set up)."""

import random
import time
from datetime import UTC, datetime, timedelta

from harness.common import log, summary_ms


def _business_accounts(limit: int | None = None) -> list[int]:
    from vitrina.accounts.models import User

    ids = User.objects.filter(account_type="business").order_by("-followers_count").values_list("id", flat=True)
    return list(ids[:limit] if limit else ids)


def ingest(args, meta) -> dict:
    """Hits recorded as the pages record them (recording.hit), then written by the flush."""
    from vitrina.insights import recording
    from vitrina.insights.models import Hit, Kind

    rng = random.Random(3)
    n, accounts = args.ingest, args.accounts
    before = Hit.objects.count()
    t = time.perf_counter()
    for _ in range(n):
        account = rng.randint(1, accounts)
        viewer = rng.randint(1, accounts)
        if viewer == account:
            viewer = viewer % accounts + 1
        recording.hit(kind=Kind.PROFILE_VISIT, account_id=account, viewer_id=viewer, source="profile")
    record_s = time.perf_counter() - t
    recording.flush()
    total_s = time.perf_counter() - t
    written = Hit.objects.count() - before
    return {"recorded": n, "written": written, "record_us": round(record_s / n * 1e6, 1),
            "hits_per_s": round(n / total_s), "seconds": round(total_s, 2)}


def request(args, meta) -> dict:
    """The profile page (it records a visit) with recording on and with it swapped for a no-op, interleaved
    over the same members and profiles, so both see the same caches."""
    from django.test import Client

    from vitrina.accounts.models import User
    from vitrina.insights import recording

    rng = random.Random(5)
    members = rng.sample(range(8, args.accounts + 1), 40)
    profiles = list(User.objects.filter(pk__in=rng.sample(range(8, args.accounts + 1), 200))
                    .values_list("username", flat=True))
    clients = []
    for uid in members:
        client = Client()
        client.force_login(User.objects.get(pk=uid))
        clients.append(client)
    real = recording.hit
    samples = {"on": [], "off": []}
    for i in range(args.requests * 2):
        mode = "on" if i % 2 else "off"
        recording.hit = real if mode == "on" else (lambda **kw: None)
        client = clients[i % len(clients)]
        path = f"/{profiles[i % len(profiles)]}/"
        t = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - t
        assert response.status_code == 200, (path, response.status_code)
        if i >= 40:  # the first pass warms both
            samples[mode].append(elapsed)
    recording.hit = real
    recording.flush()
    on, off = summary_ms(samples["on"]), summary_ms(samples["off"])
    return {"on": on, "off": off, "added_p50_ms": round(on["p50_ms"] - off["p50_ms"], 2),
            "added_mean_ms": round(on["mean_ms"] - off["mean_ms"], 2)}


def fold(args, meta) -> dict:
    from vitrina.insights import services
    from vitrina.insights.models import Hit

    day = (datetime.now(UTC) - timedelta(days=1)).date()
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    that_day = Hit.objects.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1)).count()
    t = time.perf_counter()
    services.fold_day(day)
    first = time.perf_counter() - t
    t = time.perf_counter()
    services.fold_day(day)
    again = time.perf_counter() - t
    return {"day": str(day), "hits_that_day": that_day, "seconds": round(first, 2), "again_seconds": round(again, 2)}


def rating(args, meta) -> dict:
    """The recompute as it runs daily (the network's business accounts, one in twenty), then with every
    account of the network a business account for the run (the issue's 100,000 scored), their types put
    back afterwards by rolling the whole second run back, so the pages read the first."""
    try:
        from vitrina.rankings.services import rankings_recompute
    except ImportError:
        log("   rankings not available")
        return {"seconds": None}
    from vitrina.accounts.models import User

    t = time.perf_counter()
    run = rankings_recompute()
    seconds = time.perf_counter() - t
    result = {"seconds": round(seconds, 1), "accounts": run.accounts}
    log(f"   {run.accounts:,} business accounts: {seconds:.1f} s")
    if args.rating_all:
        from django.db import transaction
        from django.db.models.functions import Mod

        from vitrina.accounts.models import BusinessCategory

        others = User.objects.exclude(account_type="business")
        categories = BusinessCategory.values
        # One transaction, rolled back: the accounts' types, the run and its scores all go back, even when
        # the run fails or is killed (a killed process leaves an open transaction, never a half change).
        with transaction.atomic():
            for i, category in enumerate(categories):  # spread over the groups percentiles are taken in
                others.alias(m=Mod("id", len(categories))).filter(m=i).update(category=category)
            others.update(account_type="business")
            t = time.perf_counter()
            every = rankings_recompute()
            seconds = time.perf_counter() - t
            transaction.set_rollback(True)
        result["all_accounts"] = {"seconds": round(seconds, 1), "accounts": every.accounts}
        log(f"   every account ({every.accounts:,}): {seconds:.1f} s")
    return result


def page(args, meta) -> dict:
    """The insights page and API for the business accounts with the most followers (the most hits) and a
    sample of the rest; the days folded first so the page reads what it reads in production."""
    from django.core.cache import cache
    from django.test import Client

    from vitrina.accounts.models import User
    from vitrina.insights import services

    today = datetime.now(UTC).date()
    t = time.perf_counter()
    if not args.keep_folds:
        for back in range(0, 29):
            services.fold_day(today - timedelta(days=back))
    fold_28_s = None if args.keep_folds else round(time.perf_counter() - t, 1)
    log(f"   folded 29 days in {fold_28_s} s" if fold_28_s is not None else "   the days folded by an earlier run kept")
    # The hourly audience job, as production runs it: the page reads its rows.
    from vitrina.insights.audience import audiences_count

    t = time.perf_counter()
    audiences = audiences_count()
    audiences_s = round(time.perf_counter() - t, 1)
    log(f"   audiences of {audiences:,} accounts counted in {audiences_s} s")
    rng = random.Random(9)
    business = _business_accounts()
    chosen = business[:10] + rng.sample(business[10:], min(30, len(business) - 10))
    users = User.objects.in_bulk(chosen)
    pages = {}
    for name, path in (("insights page /insights/?days=28", "/insights/?days=28"),
                       ("API /me/insights?days=28", "/api/vitrina/v1/me/insights?days=28")):
        samples, first = [], []
        clients = []
        cache.clear()  # nothing read before: each account's first open is a cold read of its numbers
        for uid in chosen:
            client = Client()
            client.force_login(users[uid])
            # A test client builds its own handler (the middleware: WhiteNoise scans the static files) on
            # its first request, a server once at start: that request is not the account's first open.
            client.get("/healthz")
            clients.append(client)
            t = time.perf_counter()
            assert client.get(path).status_code == 200, path  # the first open (cold), then the page as reread
            first.append(time.perf_counter() - t)
        for i in range(args.requests):
            client = clients[i % len(clients)]
            t = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - t)
            assert response.status_code == 200, (path, response.status_code)
        pages[name] = summary_ms(samples)
        pages[name + ", first open (cold)"] = summary_ms(first)
    return {"fold_29_days_s": fold_28_s, "audiences_s": audiences_s, "audiences": audiences, "accounts": len(chosen),
            "pages": pages}
