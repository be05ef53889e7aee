"""Checkout benchmark: buyers placing orders over HTTP against the real server, as the README deploys it.

    .venv/bin/python bench/checkout.py --db postgres|sqlite|both [--buyers 200] [--units 20] [--concurrency 16]
                                       [--pg-db vitrina_bench_checkout] [--redis-url redis://127.0.0.1:6379/13]
                                       [--profile 20]

Each backend gets a fresh database of its own (PostgreSQL: --pg-db, dropped and created again; SQLite:
/tmp/vitrina-bench/checkout-sqlite/vitrina.sqlite3), migrated, then filled outside the timed part:
a business account's shop (product_create, a post with the contested product tagged on it), the buyers
(bulk-created accounts with bearer tokens, used recently, as a member who has just filled a cart) and
their carts (cart_add). Then granian serves Vitrina as `make run` and README's "Serving" start it:
`MALLOC_ARENA_MAX=2 granian --interface wsgi --blocking-threads 4`, 2 workers and one RQ worker
(scripts/worker.sh) with PostgreSQL + Redis, 1 worker with SQLite (its in-process cache is per process).

The client keeps --concurrency keep-alive connections (threads), all connected before a barrier opens; each
takes the next buyer and sends `POST /api/vitrina/v1/checkout` with that buyer's token and its own
Idempotency-Key (pickup, cash on delivery, the currency and total the buyer saw). A warm-up round of
other buyers and another product goes first, so every server thread has its connection and code loaded.

  (a) race: --buyers buyers, each with the same variant in the cart, which has --units units. Printed:
      orders placed (exactly --units), oversold units (from the database afterwards: units − stock and
      Σ order lines of the variant, both must equal the orders placed), failures other than a clean
      out-of-stock (422 with code insufficient_stock), answers/s and p50/p99 latency.
  (b) spread: --buyers other buyers, each buying a different product of the shop: orders/s, p50/p99.

Each buyer places one order, so the per-buyer checkout limit (RATE_LIMITS["checkout"]) never applies; a
429 would count as a failure. The setup process (not the server) raises the catalog limit, since one
shop adds hundreds of products. --profile N then places N more checkouts in-process through the test
client and prints the SQL per checkout and the costliest functions (cProfile), for finding where
the time goes. Results: bench/results/checkout-<db>.json; with --db both, each backend runs in its own
process and a table of both is printed.

Also printed: CPU milliseconds per answer of the server (granian and its workers), the RQ worker and, with
PostgreSQL, of every postgres and redis-server process on the machine (run it on a quiet machine).

Only the bench's own PostgreSQL database and Redis db (--redis-url, flushed at the start) are touched.
"""

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from harness.common import API, BASE, PG_ADMIN, VENV, log, machine, pct, print_table, verdict  # noqa: E402
from harness.dataset import apply_env  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402
from harness.processes import cpu_by_pid, free_port, process_tree, vm, wait_ready  # noqa: E402
from phases.mixed_load import server_env, service_pids, start, stop  # noqa: E402

CHECKOUT = f"{API}/checkout"
TARGETS = {
    "postgres": {"race_answers_per_s": 150, "race_p99_ms": 300, "spread_orders_per_s": 150, "spread_p99_ms": 250},
    "sqlite": {},
}
SELLER = "bench.seller"
PRICE = "4900"
CURRENCY = "RUB"
PASSWORD = "bench-password-not-secret"
TOKEN_NAME = "bench-checkout"
OUT_OF_STOCK = (422, "insufficient_stock")


# --- the database -----------------------------------------------------------------------------------

def backend_env(db: str, args) -> dict:
    env = {"DJANGO_SETTINGS_MODULE": "vitrina.settings", "VITRINA_VAR_DIR": str(BASE / f"checkout-{db}"),
           "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,testserver", "LOG_LEVEL": "ERROR"}
    if db == "postgres":
        env.update(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.pg_db}", REDIS_URL=args.redis_url)
    else:
        env.update(DATABASE_URL="", REDIS_URL="")
    return env


def fresh_database(db: str, env: dict, args) -> None:
    var = Path(env["VITRINA_VAR_DIR"])
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    if db == "postgres":
        import psycopg
        import redis

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.pg_db}"')
        redis.Redis.from_url(args.redis_url).flushdb()  # throttle counters and cached cards of an earlier run
    t = time.perf_counter()
    child_env = {k: v for k, v in {**os.environ, **env}.items() if v != ""}  # "" unsets (DATABASE_URL for SQLite)
    subprocess.run([str(VENV / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=child_env)
    log(f"  migrate: {time.perf_counter() - t:.1f} s")


# --- setup, outside the timed part ------------------------------------------------------------------

def make_buyers(prefix: str, n: int) -> list:
    """n personal accounts in bulk (one password hash for all), each with a bearer token used just now."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from vitrina.accounts.models import ApiToken, User

    password = make_password(PASSWORD)
    User.objects.bulk_create([User(username=f"{prefix}{i}", email=f"{prefix}{i}@bench.example", password=password,
                                   account_type="personal") for i in range(n)], batch_size=500)
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    now = timezone.now()
    keys = [ApiToken.new_key() for _ in users]
    ApiToken.objects.bulk_create([ApiToken(user=u, key_hash=ApiToken.hash(k), name=TOKEN_NAME, last_used_at=now)
                                  for u, k in zip(users, keys)], batch_size=500)
    return [(u, k) for u, k in zip(users, keys)]


def setup(args) -> dict:
    """The shop, its products and the buyers with their carts, through the services (the accounts in bulk)."""
    from vitrina.accounts.services import user_signup
    from vitrina.demo.management.commands.seed_demo import photo_upload
    from vitrina.orders.cart import cart_add
    from vitrina.posts.services import post_create
    from vitrina.shop.services import product_create
    from vitrina.shop.tag_services import product_tag_add

    t = time.perf_counter()
    seller = user_signup(username=SELLER, email="seller@bench.example", password=PASSWORD, account_type="business")

    def product(title, sku, stock, price=PRICE):
        made = product_create(owner=seller, title=title, currency=CURRENCY,
                              variants=[{"name": "M", "sku": sku, "price": price, "stock": stock}])
        return made, made.variants.get()

    hot, hot_variant = product("Льняная рубашка «Ока»", "HOT", args.units)
    _warm, warm_variant = product("Полотенце (прогрев)", "WARM", 1_000_000)
    spread = [product(f"Товар {i}", f"P{i}", 5, str(500 + i)) for i in range(args.buyers)]
    # The contested product is tagged on a post, as the shop's products are: selling out rewrites its card.
    post = post_create(author=seller, uploads=[photo_upload("astronaut.png", (0.1, 0.2, 0.9, 1.0))],
                       caption="Новая коллекция #лён")
    product_tag_add(actor=seller, post=post, media_id=post.media.get().pk, product_id=hot.pk, x=0.5, y=0.4)

    warm = make_buyers("warm", args.concurrency * 3)
    race = make_buyers("race", args.buyers)
    many = make_buyers("many", args.buyers)
    for user, _key in warm:
        cart_add(buyer=user, variant_id=warm_variant.pk, quantity=1)
    for user, _key in race:
        cart_add(buyer=user, variant_id=hot_variant.pk, quantity=1)
    for (user, _key), (_p, variant) in zip(many, spread):
        cart_add(buyer=user, variant_id=variant.pk, quantity=1)
    log(f"  setup: shop with {len(spread) + 2} products, {len(warm) + len(race) + len(many)} buyers with carts, "
        f"in {time.perf_counter() - t:.1f} s")

    def jobs(buyers, prices):
        return [(key, json.dumps({"seller": SELLER, "delivery_method": "pickup", "payment_method": "cod",
                                  "currency": CURRENCY, "expected_total": f"{price}.00"}).encode())
                for (_u, key), price in zip(buyers, prices)]

    return {
        "warm": jobs(warm, [PRICE] * len(warm)), "race": jobs(race, [PRICE] * len(race)),
        "spread": jobs(many, [str(500 + i) for i in range(len(many))]),
        "hot_variant": hot_variant.pk, "spread_variants": [v.pk for _p, v in spread],
        "probe_token": warm[0][1],
    }


# --- the client --------------------------------------------------------------------------------------

def drive(port: int, jobs: list, concurrency: int) -> dict:
    """Send every job once over `concurrency` keep-alive connections opened before the start; each answer as
    (start s, latency s, status, error code)."""
    records, retries = [], [0]
    lock = threading.Lock()
    todo = iter(jobs)

    def next_job():
        with lock:
            return next(todo, None)

    def send(conn, token, body):
        conn.request("POST", CHECKOUT, body=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json",
            "Idempotency-Key": idempotency_key(token)})
        response = conn.getresponse()
        return response.status, response.read()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.connect()
        ready.wait()
        while (job := next_job()) is not None:
            token, body = job
            start_at = time.perf_counter()
            for attempt in (1, 2):
                try:
                    status, data = send(conn, token, body)
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status, data = 0, b""
                    if attempt == 1:
                        # The same Idempotency-Key again: what a phone does when a connection drops.
                        with lock:
                            retries[0] += 1
            code = ""
            if status and status != 201:
                try:
                    code = json.loads(data)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    code = "not-json"
            records.append((start_at, time.perf_counter() - start_at, status, code))
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(concurrency, len(jobs)))]
    ready = threading.Barrier(len(threads) + 1)
    for thread in threads:
        thread.start()
    ready.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = max((s + lat for s, lat, _st, _c in records), default=t0) - t0
    return {"records": records, "wall_s": wall, "retries": retries[0], "connections": len(threads)}


_KEYS: dict[str, str] = {}


def idempotency_key(token: str) -> str:
    """One key per buyer for the whole run, so a retried request is the same checkout."""
    return _KEYS.setdefault(token, str(uuid.uuid4()))


def figures(run: dict) -> dict:
    records = run["records"]
    ms = [lat * 1000 for _s, lat, _st, _c in records]
    statuses: dict[str, int] = {}
    for _s, _lat, status, code in records:
        name = f"{status} {code}".strip()
        statuses[name] = statuses.get(name, 0) + 1
    return {"answers": len(records), "wall_s": round(run["wall_s"], 3),
            # The per-buyer checkout limit (RATE_LIMITS["checkout"]) must never answer: one order each.
            "rate_limited": sum(n for name, n in statuses.items() if name.startswith("429")),
            "answers_per_s": round(len(records) / run["wall_s"], 1) if run["wall_s"] else None,
            "p50_ms": round(pct(ms, 50), 1), "p90_ms": round(pct(ms, 90), 1), "p99_ms": round(pct(ms, 99), 1),
            "max_ms": round(max(ms), 1) if ms else None, "statuses": statuses, "client_retries": run["retries"],
            "connections": run["connections"]}


# --- the run -----------------------------------------------------------------------------------------

def run_backend(db: str, args) -> dict:
    env = backend_env(db, args)
    log(f"\n== {db}: fresh database, migrate, setup ...")
    fresh_database(db, env, args)
    apply_env(env)
    # This process only (settings are read once, at setup): one shop adds hundreds of products.
    catalog_limit = os.environ.get("RATE_LIMIT_CATALOG")
    os.environ["RATE_LIMIT_CATALOG"] = "1000000/600"
    import django

    django.setup()
    from django.conf import settings

    if catalog_limit is None:
        os.environ.pop("RATE_LIMIT_CATALOG")
    else:
        os.environ["RATE_LIMIT_CATALOG"] = catalog_limit  # the server gets the environment as it was
    from django.db import connection
    from django.db.models import Sum

    from vitrina.orders.models import Order, OrderLine
    from vitrina.shop.models import ProductVariant

    plan = setup(args)
    connection.close()  # nothing of this process holds a lock while the server works

    workers = 2 if db == "postgres" else 1
    environment = server_env(env)
    port = free_port()
    work = BASE / f"checkout-{db}" / "run"
    work.mkdir(parents=True, exist_ok=True)
    cmd = [str(VENV / "granian"), "--interface", "wsgi", "--workers", str(workers), "--blocking-threads",
           str(args.server_threads), "--host", "127.0.0.1", "--port", str(port), "vitrina.wsgi:application"]
    processes = {"server": start(cmd, environment, work / "granian.log")}
    if settings.REDIS_URL:
        processes["worker"] = start(["bash", "scripts/worker.sh"], {**environment, "PY": str(VENV / "python")},
                                    work / "worker.log")
    results = {
        "benchmark": "checkout", "backend": db, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(), "sources": fingerprint(), "targets": TARGETS[db],
        "server": f"granian --interface wsgi --workers {workers} --blocking-threads {args.server_threads}",
        "queue_worker": "1 RQ worker (scripts/worker.sh)" if "worker" in processes else "none (immediate tasks)",
        "database": settings.DATABASES["default"]["NAME"] if db == "sqlite" else env["DATABASE_URL"],
        "redis": env.get("REDIS_URL") or None, "buyers": args.buyers, "units": args.units,
        "concurrency": args.concurrency, "request": "POST /api/vitrina/v1/checkout {seller, delivery_method: pickup, "
                                                    "payment_method: cod, currency, expected_total}",
    }

    def pids() -> dict[str, list[int]]:
        out = {name: [p.pid] + process_tree(p.pid) for name, p in processes.items()}
        if db == "postgres":
            out["postgres"] = service_pids("postgres")
            out["redis"] = service_pids("redis-server")
        return out

    def measured(name: str, jobs: list) -> dict:
        cpu0 = {group: cpu_by_pid(ids) for group, ids in pids().items()}
        run = drive(port, jobs, args.concurrency)
        out = figures(run)
        cpu = {group: sum(v - cpu0.get(group, {}).get(pid, 0.0) for pid, v in cpu_by_pid(ids).items())
               for group, ids in pids().items()}
        out["cpu_ms_per_answer"] = {group: round(c * 1000 / max(1, out["answers"]), 2) for group, c in cpu.items()}
        log(f"  {name}: {out['answers']} answers in {out['wall_s']} s, {out['answers_per_s']}/s, "
            f"p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms, {out['statuses']}")
        return out

    try:
        wait_ready(port, plan["probe_token"])
        results["warm_up"] = measured("warm-up", plan["warm"])
        race = results["race"] = measured("(a) race", plan["race"])
        variant = ProductVariant.objects.get(pk=plan["hot_variant"])
        sold = OrderLine.objects.filter(variant=variant).aggregate(n=Sum("quantity"))["n"] or 0
        placed = race["statuses"].get("201", 0)
        race["placed"] = placed
        race["clean_out_of_stock"] = race["statuses"].get(" ".join(map(str, OUT_OF_STOCK)), 0)
        race["other_failures"] = race["answers"] - placed - race["clean_out_of_stock"]
        race["database"] = {"stock_after": variant.stock, "units_before": args.units, "order_lines_sum": sold,
                            "orders": Order.objects.filter(lines__variant=variant).distinct().count()}
        race["oversold"] = max(0, sold - args.units) + max(0, -variant.stock)
        race["expected_orders"] = min(args.buyers, args.units)
        race["exact"] = (placed == race["expected_orders"] == sold == race["database"]["orders"]
                         and variant.stock == args.units - sold and race["oversold"] == 0)
        spread = results["spread"] = measured("(b) spread", plan["spread"])
        spread["placed"] = spread["statuses"].get("201", 0)
        spread["failures"] = spread["answers"] - spread["placed"]
        spread["orders_per_s"] = round(spread["placed"] / spread["wall_s"], 1) if spread["wall_s"] else None
        variants = ProductVariant.objects.filter(pk__in=plan["spread_variants"])
        spread["database"] = {"orders": Order.objects.filter(lines__variant__in=variants).distinct().count(),
                              "units_sold": 5 * len(plan["spread_variants"]) - sum(v.stock for v in variants)}
        results["peak_rss_mb"] = {name: [vm(pid, "VmHWM") for pid in ids] for name, ids in pids().items()
                                  if name in ("server", "worker")}
        connection.close()
    finally:
        for process in processes.values():
            stop(process)
        tail = (work / "granian.log").read_text()[-3000:] if (work / "granian.log").exists() else ""
        if "Traceback" in tail:
            results["server_log_tail"] = tail
    if args.profile:
        results["profile"] = profile(args.profile)
    results["machine"]["loadavg_at_end"] = os.getloadavg()
    return results


def profile(n: int) -> dict:
    """n checkouts in this process through the test client: SQL statements and time per checkout, and the
    functions with the most cumulative time (the server's view of one checkout, without HTTP)."""
    import warnings

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vitrina.orders.cart import cart_add
    from vitrina.shop.models import ProductVariant

    variant = ProductVariant.objects.get(sku="WARM")
    warm_up = 3  # the first requests of a process import and connect: not what a checkout costs
    buyers = make_buyers("prof", warm_up + 2 * n)
    for user, _key in buyers:
        cart_add(buyer=user, variant_id=variant.pk, quantity=1)
    body = json.dumps({"seller": SELLER, "delivery_method": "pickup", "payment_method": "cod", "currency": CURRENCY,
                       "expected_total": f"{PRICE}.00"})
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for the bench
    client = Client()
    timings, sql_ms, queries = [], [], []
    profiler = cProfile.Profile()
    # Warm-up, then n checkouts timed (with their SQL captured), then n more under cProfile (which slows them).
    for i, (_user, key) in enumerate(buyers):
        timed, profiled = warm_up <= i < warm_up + n, i >= warm_up + n
        with CaptureQueriesContext(connection) as ctx:
            if profiled:
                profiler.enable()
            t = time.perf_counter()
            response = client.post(CHECKOUT, body, content_type="application/json",
                                   headers={"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())})
            elapsed = time.perf_counter() - t
            if profiled:
                profiler.disable()
        assert response.status_code == 201, response.content
        if timed:
            timings.append(elapsed)
            sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
            queries.append([(q["sql"], q["time"]) for q in ctx.captured_queries])

    def top(order: str, lines: int) -> list[str]:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(order).print_stats(lines)
        text = stream.getvalue().replace(str(ROOT) + "/", "").replace(".venv/lib/python3.11/site-packages/", "")
        return [line for line in text.splitlines() if line.strip()][:lines + 6]

    # For scale: a light authenticated read (the buyer's cart) through the same stack.
    reads = []
    for _user, key in buyers[warm_up:warm_up + n]:
        t = time.perf_counter()
        client.get(f"{API}/cart", headers={"Authorization": f"Bearer {key}"})
        reads.append((time.perf_counter() - t) * 1000)
    ms = [t * 1000 for t in timings]
    one = queries[-1]
    out = {"checkouts": n, "p50_ms": round(pct(ms, 50), 2), "mean_ms": round(sum(ms) / len(ms), 2),
           "sql_ms_mean": round(sum(sql_ms) / len(sql_ms), 2), "sql_per_checkout": len(one),
           "get_cart_p50_ms": round(pct(reads, 50), 2),
           "sql_of_one_checkout": [f"{float(seconds) * 1000:.2f} ms  {sql[:240]}" for sql, seconds in one],
           "cprofile_cumulative": top("cumulative", 30), "cprofile_tottime": top("tottime", 20)}
    log(f"  profile: {n} checkouts in-process (test client, no HTTP), p50 {out['p50_ms']} ms, mean {out['mean_ms']}"
        f" ms of which SQL {out['sql_ms_mean']} ms; {len(one)} SQL statements each; GET /cart p50 "
        f"{out['get_cart_p50_ms']} ms")
    return out


# --- the report ----------------------------------------------------------------------------------------

def rows_of(r: dict) -> list[tuple]:
    """(measure, figure, target, result) for one backend's results."""
    t = r["targets"]
    race, spread = r["race"], r["spread"]
    d = race["database"]
    rows = [
        (f"(a) race: {r['buyers']} buyers, 1 product of {r['units']} units", "", "", ""),
        ("  orders placed", race["placed"], f"exactly {race['expected_orders']}",
         verdict(race["placed"] == race["expected_orders"])),
        ("  oversold units (database)", f"{race['oversold']} (stock {d['stock_after']}, Σ lines {d['order_lines_sum']},"
                                        f" {d['orders']} orders)", "0", verdict(race["exact"])),
        ("  clean out-of-stock (422 insufficient_stock)", race["clean_out_of_stock"], "", ""),
        ("  other failures", f"{race['other_failures']} ({race['rate_limited']} rate-limited)", "0",
         verdict(race["other_failures"] == 0)),
        ("  answers/s", race["answers_per_s"], f"≥ {t['race_answers_per_s']}" if t else "",
         verdict(race["answers_per_s"] >= t["race_answers_per_s"]) if t else ""),
        ("  p50 / p99 ms", f"{race['p50_ms']} / {race['p99_ms']}", f"p99 ≤ {t['race_p99_ms']}" if t else "",
         verdict(race["p99_ms"] <= t["race_p99_ms"]) if t else ""),
        (f"(b) spread: {r['buyers']} buyers, a product each", "", "", ""),
        ("  orders placed", f"{spread['placed']} ({spread['database']['orders']} in the database)",
         f"{r['buyers']}", verdict(spread["placed"] == r["buyers"] == spread["database"]["orders"])),
        ("  failures", f"{spread['failures']} ({spread['rate_limited']} rate-limited)", "0",
         verdict(spread["failures"] == 0)),
        ("  orders/s", spread["orders_per_s"], f"≥ {t['spread_orders_per_s']}" if t else "",
         verdict(spread["orders_per_s"] >= t["spread_orders_per_s"]) if t else ""),
        ("  p50 / p99 ms", f"{spread['p50_ms']} / {spread['p99_ms']}", f"p99 ≤ {t['spread_p99_ms']}" if t else "",
         verdict(spread["p99_ms"] <= t["spread_p99_ms"]) if t else ""),
    ]
    return rows


def report(r: dict) -> None:
    m = r["machine"]
    print_table(f"Checkout benchmark — {r['backend']}, {r['server']}, {r['concurrency']} connections "
                f"({m['cpu_model']}, {m['cores']} cores, loadavg {m['loadavg_at_start'][0]:.2f} at start)",
                [("measure", "figure", "target", "result")] + rows_of(r))
    cpu = r["race"]["cpu_ms_per_answer"]
    log(f"  CPU ms per answer (race): {cpu}; spread: {r['spread']['cpu_ms_per_answer']}")
    if r.get("profile"):
        p = r["profile"]
        log(f"  in-process profile: {p['checkouts']} checkouts, p50 {p['p50_ms']} ms, "
            f"{p['sql_per_checkout']} SQL statements each, GET /cart p50 {p['get_cart_p50_ms']} ms "
            f"(bench/results/checkout-{r['backend']}.json has the statements and cProfile's top functions)")
    if r.get("server_log_tail"):
        log(f"  the server's log has a traceback:\n{r['server_log_tail']}")


def report_both(both: dict) -> None:
    pg, lite = both.get("postgres"), both.get("sqlite")
    rows = [("measure", "PostgreSQL + Redis", "SQLite", "target (PostgreSQL)", "result")]
    a, b = rows_of(pg) if pg else None, rows_of(lite) if lite else None
    for i, row in enumerate(a or b):
        rows.append((row[0], a[i][1] if a else "", b[i][1] if b else "", row[2] if a else "",
                     a[i][3] if a else ""))
    print_table("Checkout benchmark, both databases", rows)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--buyers", type=int, default=200, help="buyers in each of (a) and (b)")
    parser.add_argument("--units", type=int, default=20, help="units of the product (a) races for")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections sending at once")
    parser.add_argument("--server-threads", type=int, default=4, help="granian --blocking-threads per worker")
    parser.add_argument("--pg-db", default=os.environ.get("BENCH_CHECKOUT_PG_DB", "vitrina_bench_checkout"),
                        help="the bench's own PostgreSQL database (dropped and created again)")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_CHECKOUT_REDIS_URL", "redis://127.0.0.1:6379/13"),
                        help="the bench's own Redis db (flushed at the start)")
    parser.add_argument("--profile", type=int, default=20, help="checkouts profiled in-process afterwards (0: none)")
    return parser.parse_args()


def main() -> None:
    args = parse()
    BASE.mkdir(parents=True, exist_ok=True)
    results_dir = BENCH / "results"
    if args.db == "both":
        # Django is set up once per process, so each database runs in a process of its own.
        both, failed = {}, []
        for db in ("postgres", "sqlite"):
            cmd = [str(VENV / "python"), str(Path(__file__))] + strip_db(sys.argv[1:]) + ["--db", db]
            started = time.time()
            code = subprocess.run(cmd, cwd=ROOT).returncode
            path = results_dir / f"checkout-{db}.json"
            if path.exists() and path.stat().st_mtime >= started:
                both[db] = json.loads(path.read_text())
            if code != 0:
                failed.append(db)
                log(f"the {db} run failed (exit {code})")
        if both:
            report_both(both)
        sys.exit(1 if failed else 0)
    results = run_backend(args.db, args)
    path = results_dir / f"checkout-{args.db}.json"
    results_dir.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    report(results)
    log(f"\nWrote {path.relative_to(ROOT)}")
    # Correctness, unlike speed, is not a matter of the machine: a wrong count fails the command.
    race, spread = results["race"], results["spread"]
    correct = race["exact"] and race["other_failures"] == 0 and spread["failures"] == 0 \
        and spread["placed"] == spread["database"]["orders"] == args.buyers
    if not correct:
        log("INCORRECT: orders placed, oversold units or failures are not what they must be")
        sys.exit(1)


def strip_db(argv: list[str]) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--db":
            skip = True
            continue
        if a.startswith("--db="):
            continue
        out.append(a)
    return out


if __name__ == "__main__":
    main()
