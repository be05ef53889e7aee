"""Home feed benchmark: timelines, fan-out, the feed under load, Explore and search, on a synthetic network.

    .venv/bin/python bench/feed.py --backend sqlite|postgres [--accounts 100000 --edges 5000000 --posts 1000000]
                                   [--reuse] [--reads 2000] [--load-seconds 20] [--concurrency 8,16,32]
    .venv/bin/python bench/feed.py --backend postgres --only load,explore-search   (those phases alone, on the
        data in place; the sizes flags must match it; results merged into the JSON file)
    .venv/bin/python bench/feed.py --backend sqlite --only gc-freeze   (experiment: warm reads and granian with
        and without gc.freeze() after start-up, interleaved; never part of a default run)

Data (bench/feed_generate.py): a database of its own, left in place for --reuse:
  sqlite:   /tmp/vitrina-bench/sqlite/vitrina.sqlite3 (VITRINA_VAR_DIR=/tmp/vitrina-bench/sqlite),
            timelines in the database (TIMELINE_STORE=database), cache in-process;
  postgres: postgres://postgres@127.0.0.1:5432/vitrina_bench, media and secret key under
            /tmp/vitrina-bench/postgres, timelines and cache in Redis db 14 (TIMELINE_STORE=redis;
            only db 14 is ever flushed).
Each run starts with every timeline cold: Redis db 14 is flushed and the database store emptied.

Measured (each printed with PASS/FAIL against the issue's targets, saved to bench/results/feed-<backend>.json):
  1. GET /api/vitrina/v1/feed through django.test.Client with a bearer token from token_issue: the cold first
     read of each sampled member (timeline rebuild) and then one warm read each (--reads members), p50/p99/mean;
     then a profile pass that groups the SQL of warm reads, with EXPLAIN of the costliest statements.
  2. Fan-out: a post by the 9,999-follower account (the largest pushed one; every active follower's timeline
     built first, as for members who read their feed) through vitrina.timeline.tasks.fan_out_now, wall time and
     timelines written, then checked in every built timeline and in the API feed of a sample; a post by the
     100,000-follower account (pulled, must be O(1) writes), checked in followers' feeds. Probe posts are deleted.
  3. Redis bytes per timeline (MEMORY USAGE over the sampled members' keys; postgres only).
  4. The feed under load: granian (--interface wsgi --workers 2 --blocking-threads 4 on postgres, --workers 1 on
     sqlite, where the in-process cache must be one; DEBUG off, MALLOC_ARENA_MAX=2) on 127.0.0.1, driven by wrk (keep-alive connections, a Lua script that picks a random
     sampled member's token per request) for --load-seconds at each --concurrency; peak RSS (VmHWM) per worker.
  5. Explore (GET /explore, /explore/trending-hashtags) and search (GET /search?q=&type=accounts|hashtags|posts),
     in a fresh process at the end of the run, so code finished meanwhile is measured; reported missing if the
     path does not resolve.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import feed_generate  # noqa: E402

VENV = ROOT / ".venv" / "bin"
BASE = Path("/tmp/vitrina-bench")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "vitrina_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
REDIS_URL = "redis://127.0.0.1:6379/14"
API = "/api/vitrina/v1"
FEED = f"{API}/feed"
PROBE_CAPTION = "bench fan-out probe"
TOKEN_NAME = "bench"

TARGETS = {
    "postgres": {"feed_p99_ms": 40, "load_rps": 300, "load_p99_ms": 150, "fanout_10k_s": 2.0,
                 "explore_p99_ms": 100, "search_p99_ms": 100},
    "sqlite": {"feed_p99_ms": 60, "explore_p99_ms": 100, "search_p99_ms": 100},
}


# --- small helpers ---------------------------------------------------------------------------------

def log(msg: str = "") -> None:
    print(msg, flush=True)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 2), "p90_ms": round(pct(ms, 90), 2),
            "p99_ms": round(pct(ms, 99), 2), "mean_ms": round(statistics.fmean(ms), 2), "max_ms": round(max(ms), 2)}


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "FAIL")


def print_table(title: str, rows: list[tuple]) -> None:
    log(f"\n{title}")
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        log("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
        if n == 0:
            log("  " + "  ".join("-" * w for w in widths))


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024
    return {"cpu_model": cpu, "cores": os.cpu_count(), "ram_mb": mem, "python": platform.python_version(),
            "platform": platform.platform(), "loadavg_at_start": os.getloadavg()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def var_dir(backend: str) -> Path:
    return BASE / backend


def bench_env(backend: str, args) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "vitrina.settings",
        "VITRINA_VAR_DIR": str(var_dir(backend)),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "LOG_LEVEL": "ERROR",
    }
    if backend == "postgres":
        env.update(DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL, TIMELINE_STORE="redis")
    else:
        env.update(DATABASE_URL="", REDIS_URL="", TIMELINE_STORE="database")
    if args.pull_threshold:
        env["FEED_PULL_THRESHOLD"] = str(args.pull_threshold)
    return env


def apply_env(env: dict) -> None:
    for key, value in env.items():
        if value == "":
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def sizes_of(args) -> feed_generate.Sizes:
    return feed_generate.Sizes(accounts=args.accounts, edges=args.edges, posts=args.posts, likes=args.likes,
                               saves=args.saves, tags=args.tags, seed=args.seed)


# --- the database ----------------------------------------------------------------------------------

def pg_admin(sql: str) -> list:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def reset_database(backend: str) -> None:
    folder = var_dir(backend)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench-meta.json").unlink(missing_ok=True)
    shutil.rmtree(folder / "media", ignore_errors=True)
    if backend == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_DB}")
    else:
        for suffix in ("", "-wal", "-shm"):
            (folder / f"vitrina.sqlite3{suffix}").unlink(missing_ok=True)


def migrate(env: dict) -> None:
    t = time.perf_counter()
    full = {k: v for k, v in {**os.environ, **env}.items() if v != ""}
    for key in ("DATABASE_URL", "REDIS_URL"):
        if env.get(key) == "":
            full.pop(key, None)
    subprocess.run([str(VENV / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=full, check=True)
    log(f"migrate: {time.perf_counter() - t:.1f} s")


def existing_meta(backend: str, sizes: feed_generate.Sizes) -> dict | None:
    path = var_dir(backend) / "bench-meta.json"
    if not path.exists():
        return None
    meta = json.loads(path.read_text())
    if meta.get("sizes") != feed_generate.asdict(sizes):
        log(f"--reuse: the data in place has other sizes ({meta.get('sizes')}); generating again")
        return None
    if backend == "postgres" and not pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DB}'"):
        return None
    if backend == "sqlite" and not (var_dir(backend) / "vitrina.sqlite3").exists():
        return None
    return meta


def ensure_schema(env: dict) -> list[str]:
    """Tables of the models that the database lacks. The timeline tables are an index rebuilt from
    follows and posts, so when only they are missing (an edited timeline migration), that app is migrated
    again from zero; anything else missing needs a fresh generation."""
    from django.apps import apps
    from django.db import connection

    tables = set(connection.introspection.table_names())
    missing = [(m._meta.app_label, m._meta.db_table) for m in apps.get_models()
               if m._meta.managed and not m._meta.proxy and m._meta.db_table not in tables]
    if not missing:
        return []
    if {app for app, _t in missing} == {"timeline"}:
        log(f"schema: {[t for _a, t in missing]} missing (an edited timeline migration); "
            "dropping the timeline tables and migrating that app again")
        with connection.cursor() as cursor:
            for model in apps.get_app_config("timeline").get_models():
                if model._meta.db_table in tables:
                    cursor.execute(f'DROP TABLE "{model._meta.db_table}"')
            cursor.execute("DELETE FROM django_migrations WHERE app = 'timeline'")
        connection.close()
        subprocess.run([str(VENV / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=dict(os.environ),
                       check=True)
        return [t for _a, t in missing]
    raise SystemExit(f"the bench database lacks {missing}: run again without --reuse")


def sync_pulled_posts() -> int | None:
    """Record the posts of accounts at or above FEED_PULL_THRESHOLD as fan_out_now does at post time
    (vitrina.timeline.models.PulledPost, when the app has it); the generator writes posts in bulk."""
    from django.conf import settings
    from django.db import connection

    try:
        from vitrina.timeline.models import PulledPost
    except ImportError:
        return None
    table = PulledPost._meta.db_table
    ignore = "INSERT OR IGNORE" if connection.vendor == "sqlite" else "INSERT"
    conflict = "" if connection.vendor == "sqlite" else " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{ignore} INTO {table} (post_id, author_id) SELECT p.id, p.author_id FROM posts_post p "
            f"JOIN accounts_user u ON u.id = p.author_id WHERE u.followers_count >= %s{conflict}",
            [settings.FEED_PULL_THRESHOLD])
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


SOURCES = ("vitrina/feed/selectors.py", "vitrina/feed/explore.py", "vitrina/feed/api.py", "vitrina/timeline/store.py",
           "vitrina/timeline/tasks.py", "vitrina/timeline/models.py", "vitrina/posts/selectors.py",
           "vitrina/posts/schemas.py", "vitrina/search/selectors.py", "vitrina/media/signing.py",
           "vitrina/posts/cards.py", "vitrina/posts/native_json.py", "vitrina/timeline/pulled.py",
           "vitrina/accounts/selectors.py", "vitrina/media/images.py")


def source_versions() -> dict:
    """sha256 (12 hex) and mtime of the code measured: it is being worked on while benchmarks run."""
    import hashlib

    out = {}
    for rel in SOURCES:
        path = ROOT / rel
        if path.exists():
            out[rel] = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()[:12],
                        "mtime": datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")}
    return out


def count_users() -> int:
    from vitrina.accounts.models import User

    return User.objects.count()


# --- 1. the feed in-process ------------------------------------------------------------------------

class SqlRecorder:
    """execute_wrapper that keeps (sql, params, seconds) of every statement."""

    def __init__(self):
        self.calls = []

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append((sql, params, time.perf_counter() - t))


def _shape(sql: str) -> str:
    sql = re.sub(r"(%s|\?)(\s*,\s*(%s|\?))+", "…", sql)
    return re.sub(r"\s+", " ", sql)


def issue_tokens(member_ids: list[int]) -> dict[int, str]:
    from vitrina.accounts.models import User
    from vitrina.accounts.services import token_issue

    users = User.objects.in_bulk(member_ids)
    return {uid: token_issue(user=users[uid], name=TOKEN_NAME) for uid in member_ids}


CPU_TIMES: list[float] = []  # thread CPU seconds of each request made through get()


def get(client, path: str, token: str, params: dict | None = None):
    t, c = time.perf_counter(), time.thread_time()
    response = client.get(path, params or {}, headers={"Authorization": f"Bearer {token}"})
    CPU_TIMES.append(time.thread_time() - c)
    return response, time.perf_counter() - t


def reset_timelines() -> None:
    """Every timeline cold: Redis db 14 flushed (postgres), the database store emptied (both)."""
    from django.conf import settings

    from vitrina.timeline.models import TimelineEntry, TimelineState

    if settings.TIMELINE_STORE == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    TimelineEntry.objects.all().delete()
    TimelineState.objects.all().delete()


def warm_up(members: list[int]) -> None:
    """Build the sampled members' timelines (when the feed phase, which does it by reading, is skipped)."""
    from vitrina.accounts.models import User
    from vitrina.feed.selectors import rebuild_timeline
    from vitrina.timeline.store import get_store

    store = get_store()
    t = time.perf_counter()
    for user in User.objects.filter(pk__in=members):
        if store.status(user.pk) is None:
            rebuild_timeline(user, store=store)
    log(f"   timelines of {len(members)} members built in {time.perf_counter() - t:.1f} s")


def cleanup_probes() -> None:
    from vitrina.accounts.models import ApiToken
    from vitrina.posts.models import Post

    probes = list(Post.objects.filter(caption__startswith=PROBE_CAPTION).values_list("pk", flat=True))
    cleanup_probes_only(probes)
    ApiToken.objects.filter(name=TOKEN_NAME).delete()


def explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def measure_feed(members: list[int], tokens: dict[int, str], rng: random.Random, profile_reads: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    out: dict = {}
    cold, items, bytes_ = [], [], []
    t_phase = time.perf_counter()
    CPU_TIMES.clear()
    for uid in members:
        response, dt = get(client, FEED, tokens[uid])
        if response.status_code != 200:
            raise SystemExit(f"feed of member {uid}: HTTP {response.status_code}: {response.content[:300]!r}")
        cold.append(dt)
    out["cold_first_read"] = summary_ms(cold)
    out["cold_first_read_cpu"] = summary_ms(CPU_TIMES)
    CPU_TIMES.clear()
    log(f"  cold first reads: {len(cold)} in {time.perf_counter() - t_phase:.1f} s")

    order = members[:]
    rng.shuffle(order)
    warm = []
    t_phase = time.perf_counter()
    for uid in order:
        response, dt = get(client, FEED, tokens[uid])
        assert response.status_code == 200
        warm.append(dt)
        body = response.json()
        items.append(len(body["items"]))
        bytes_.append(len(response.content))
    out["warm"] = summary_ms(warm)
    # CPU time of this process (Django, ninja, the SQLite engine in-process; not PostgreSQL's or Redis's):
    # wall time well above it means waiting (other processes on the 2 cores, the database server).
    out["warm_cpu"] = summary_ms(CPU_TIMES)
    log(f"  warm reads: {len(warm)} in {time.perf_counter() - t_phase:.1f} s")
    out["page"] = {"mean_items": round(statistics.fmean(items), 2), "full_pages": sum(i == 20 for i in items),
                   "empty_pages": sum(i == 0 for i in items), "mean_bytes": round(statistics.fmean(bytes_))}

    # Profile: where the time of a warm read goes.
    recorder = SqlRecorder()
    totals = []
    sample = order[:profile_reads]
    with connection.execute_wrapper(recorder):
        for uid in sample:
            before = len(recorder.calls)
            _response, dt = get(client, FEED, tokens[uid])
            totals.append((dt, recorder.calls[before:]))
    groups: dict[str, dict] = {}
    for _dt, calls in totals:
        for sql, params, secs in calls:
            g = groups.setdefault(_shape(sql), {"count": 0, "total_s": 0.0, "max_s": 0.0, "slowest": None})
            g["count"] += 1
            g["total_s"] += secs
            if secs >= g["max_s"]:
                g["max_s"], g["slowest"] = secs, (sql, params)
    n = len(totals)
    sql_ms = [sum(c[2] for c in calls) * 1000 for _dt, calls in totals]
    out["profile"] = {
        "reads": n,
        "request_mean_ms": round(statistics.fmean(dt for dt, _c in totals) * 1000, 2),
        "sql_mean_ms": round(statistics.fmean(sql_ms), 2),
        "queries_per_read": round(statistics.fmean(len(c) for _dt, c in totals), 1),
        "statements": [],
    }
    for shape, g in sorted(groups.items(), key=lambda kv: -kv[1]["total_s"])[:8]:
        entry = {"sql": shape[:600], "per_read": round(g["count"] / n, 2),
                 "mean_ms_per_read": round(g["total_s"] * 1000 / n, 3), "max_ms": round(g["max_s"] * 1000, 2)}
        out["profile"]["statements"].append(entry)
    out["python_profile"] = python_profile(client, [tokens[uid] for uid in sample[:50]])
    for entry, (_shape_, g) in zip(out["profile"]["statements"][:4],
                                   sorted(groups.items(), key=lambda kv: -kv[1]["total_s"])[:4]):
        sql, params = g["slowest"]
        try:
            entry["explain_slowest"] = explain(sql, params)
            entry["slowest_params"] = str(params)[:400]
        except Exception as exc:  # an EXPLAIN that fails must not lose the run
            entry["explain_slowest"] = f"(EXPLAIN failed: {exc})"
    return out


def python_profile(client, tokens: list[str]) -> dict:
    """cProfile of warm reads: where the Python time of a read goes (per read, with profiler overhead)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for token in tokens:
        get(client, FEED, token)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    n = max(1, len(tokens))
    root = ROOT.as_posix() + "/"

    def name(key):
        file, line, func = key
        file = file.replace(root + ".venv/lib/python3.11/site-packages/", "").replace(root, "")
        return f"{file}:{line}({func})"

    total = max(v[3] for v in stats.values())
    rows = [(name(k), v[1], v[2], v[3]) for k, v in stats.items()]
    cumulative = [r for r in sorted(rows, key=lambda r: -r[3]) if r[3] < 0.9 * total][:25]
    own = sorted(rows, key=lambda r: -r[2])[:15]
    return {
        "reads": n, "total_ms_per_read_profiled": round(total * 1000 / n, 2),
        "cumulative": [f"{r[3] * 1000 / n:7.2f} ms  {r[1] / n:7.1f} calls  {r[0]}" for r in cumulative],
        "own_time": [f"{r[2] * 1000 / n:7.2f} ms  {r[1] / n:7.1f} calls  {r[0]}" for r in own],
    }


# --- 2. fan-out --------------------------------------------------------------------------------------

class PushCounter:
    """Counts the timelines each store.push is asked to write (bench instrumentation, no app change)."""

    def __init__(self, store_class):
        self.store_class = store_class
        self.original = store_class.push
        self.timelines = 0
        self.calls = 0

    def __enter__(self):
        counter = self
        original = self.original

        def push(store, owner_ids, post_id, author_id):
            counter.timelines += len(owner_ids)
            counter.calls += 1
            return original(store, owner_ids, post_id, author_id)

        self.store_class.push = push
        return self

    def __exit__(self, *exc):
        self.store_class.push = self.original


def probe_post(author_id: int, n: int):
    from django.db.models import F

    from vitrina.accounts.models import User
    from vitrina.posts.models import Post, PostMedia

    media = PostMedia.objects.order_by("pk").first()
    post = Post.objects.create(author_id=author_id, caption=f"{PROBE_CAPTION} {n}")
    PostMedia.objects.create(post=post, position=0, width=media.width, height=media.height,
                             blurhash=media.blurhash, files=media.files)
    User.objects.filter(pk=author_id).update(posts_count=F("posts_count") + 1)
    return post


def measure_fanout(meta: dict, tokens: dict[int, str], args, rng: random.Random) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from vitrina.accounts.models import User
    from vitrina.feed.selectors import rebuild_timeline
    from vitrina.timeline import tasks
    from vitrina.timeline.models import TimelineEntry
    from vitrina.timeline.store import get_store

    store = get_store()
    redis_store = settings.TIMELINE_STORE == "redis"
    client = Client()
    out: dict = {"store": settings.TIMELINE_STORE, "pull_threshold": settings.FEED_PULL_THRESHOLD}
    fan_id, brand_id = meta["fanout_id"], meta["brand_id"]

    # -- the largest pushed account --
    active = [uid for chunk in tasks.active_follower_ids(fan_id) for uid in chunk]
    followers = User.objects.get(pk=fan_id).followers_count
    out["pushed_account"] = {"id": fan_id, "followers": followers, "active_followers": len(active)}
    built = []
    if redis_store:
        # Members who read their feed have a timeline (TTL 14 days): build the active followers' ones
        # through the app's own rebuild, as their first read would, within a time budget.
        t = time.perf_counter()
        order = active[:]
        rng.shuffle(order)
        rebuild_times = []
        for start in range(0, len(order), 500):
            chunk = order[start:start + 500]
            for user in User.objects.filter(pk__in=chunk):
                if store.status(user.pk) is None:
                    t1 = time.perf_counter()
                    rebuild_timeline(user, store=store)
                    rebuild_times.append(time.perf_counter() - t1)
                built.append(user.pk)
            if time.perf_counter() - t > args.prebuild_seconds:
                break
        out["pushed_account"]["timelines_built_before"] = len(built)
        out["pushed_account"]["prebuild_s"] = round(time.perf_counter() - t, 1)
        out["pushed_account"]["rebuild_timeline"] = summary_ms(rebuild_times)
        log(f"  built {len(built)} of {len(active)} follower timelines in {time.perf_counter() - t:.1f} s "
            f"(rebuild_timeline p50 {out['pushed_account']['rebuild_timeline'].get('p50_ms')} ms)")
    runs = []
    probes = []
    for n in range(args.fanout_repeats):
        post = probe_post(fan_id, n)
        probes.append(post.pk)
        queries = []
        with PushCounter(type(store)) as counter, connection.execute_wrapper(
                lambda ex, sql, params, many, ctx: queries.append(sql) or ex(sql, params, many, ctx)):
            t = time.perf_counter()
            written = tasks.fan_out_now(post_id=post.pk, author_id=fan_id)
            wall = time.perf_counter() - t
        runs.append({"post_id": post.pk, "wall_s": round(wall, 3), "timelines_written": written,
                     "push_calls": counter.calls, "sql_queries": len(queries)})
        log(f"  fan-out of post {post.pk} by account {fan_id}: {wall:.3f} s, {written} timelines")
    out["pushed_account"]["runs"] = runs
    out["pushed_account"]["wall_s_max"] = max(r["wall_s"] for r in runs)
    out["pushed_account"]["wall_s_median"] = statistics.median(r["wall_s"] for r in runs)
    last = probes[-1]
    # Verification: every built timeline (Redis) / every active follower (database) holds the post.
    if redis_store:
        pipe = store.client.pipeline(transaction=False)
        for uid in built:
            pipe.zscore(store._key(uid), f"{last}:{fan_id}")
        found = sum(score is not None for score in pipe.execute())
        out["pushed_account"]["verified"] = {"checked": len(built), "contain_post": found}
    else:
        found = TimelineEntry.objects.filter(post_id=last).exclude(owner_id=fan_id).count()
        out["pushed_account"]["verified"] = {"checked": len(active), "contain_post": found}
    # And in the feed as the API serves it, for a sample of followers.
    sample = rng.sample(built or active, min(20, len(built or active)))
    sample_tokens = issue_tokens(sample)
    tops = [get(client, FEED, sample_tokens[uid])[0].json()["items"][:1] for uid in sample]
    out["pushed_account"]["api_feed_top_is_post"] = f"{sum(bool(t) and t[0]['id'] == last for t in tops)}/{len(sample)}"

    # -- the pulled account (everyone follows it) --
    brand_runs = []
    for n in range(args.fanout_repeats):
        post = probe_post(brand_id, n)
        probes.append(post.pk)
        with PushCounter(type(store)) as counter:
            t = time.perf_counter()
            written = tasks.fan_out_now(post_id=post.pk, author_id=brand_id)
            wall = time.perf_counter() - t
        brand_runs.append({"post_id": post.pk, "wall_s": round(wall, 4), "timelines_written": written,
                           "push_calls": counter.calls, "push_timelines": counter.timelines})
    brand_followers = User.objects.get(pk=brand_id).followers_count
    readers = rng.sample(list(tokens), min(20, len(tokens)))
    tops = [get(client, FEED, tokens[uid])[0].json()["items"][:1] for uid in readers]
    out["pulled_account"] = {
        "id": brand_id, "followers": brand_followers, "runs": brand_runs,
        "api_feed_top_is_post": f"{sum(bool(t) and t[0]['id'] == probes[-1] for t in tops)}/{len(readers)}",
        "o1": all(r["timelines_written"] == 1 for r in brand_runs),
    }
    log(f"  post by account {brand_id} ({brand_followers} followers): "
        f"{[r['wall_s'] for r in brand_runs]} s, {[r['timelines_written'] for r in brand_runs]} timelines written")

    # Clean up through the app's own removal task (timelines, pulled posts), then the rows.
    remove = getattr(tasks.remove_post, "func", tasks.remove_post)
    t = time.perf_counter()
    for pk, author in ((pk, fan_id) for pk in probes[:args.fanout_repeats]):
        remove(post_id=pk, author_id=author)
    for pk in probes[args.fanout_repeats:]:
        remove(post_id=pk, author_id=brand_id)
    out["remove_post_s_per_post"] = round((time.perf_counter() - t) / len(probes), 3)
    cleanup_probes_only(probes)
    return out


def cleanup_probes_only(pks: list[int]) -> None:
    from django.db.models import F

    from vitrina.accounts.models import User
    from vitrina.posts.models import Post

    for pk, author in Post.objects.filter(pk__in=pks).values_list("pk", "author_id"):
        User.objects.filter(pk=author).update(posts_count=F("posts_count") - 1)
    Post.objects.filter(pk__in=pks).delete()
    try:
        from vitrina.timeline.models import PulledPost

        PulledPost.objects.filter(post_id__in=pks).delete()
    except ImportError:
        pass


# --- 3. Redis memory -----------------------------------------------------------------------------------

def measure_redis_memory(members: list[int]) -> dict:
    from vitrina.timeline.store import get_store

    store = get_store()
    sizes, entries = [], []
    for uid in members[:1000]:
        b = store.memory_bytes(uid)
        if b:
            sizes.append(b)
            entries.append(store.entry_count(uid))
    info = store.client.info("memory")
    per_entry = [b / e for b, e in zip(sizes, entries) if e]
    return {
        "timelines_sampled": len(sizes),
        "bytes_mean": round(statistics.fmean(sizes)) if sizes else None,
        "bytes_p50": pct(sizes, 50), "bytes_p99": pct(sizes, 99), "bytes_max": max(sizes) if sizes else None,
        "entries_mean": round(statistics.fmean(entries), 1) if entries else None,
        "bytes_per_entry_mean": round(statistics.fmean(per_entry), 1) if per_entry else None,
        "redis_used_memory_mb": round(info["used_memory"] / 2**20, 1),
        "redis_keys_db14": store.client.dbsize(),
    }


# --- 4. the feed under load (granian + wrk) -----------------------------------------------------------------

WRK_LUA = r"""
local tokens = {%s}
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
function request()
  local t = tokens[math.random(#tokens)]
  return wrk.format("GET", "%s", {["Authorization"] = "Bearer " .. t})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect_errors": %%d, ' ..
    '"read_errors": %%d, "write_errors": %%d, "non_2xx": %%d, "timeouts": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "mean_us": %%.1f, "max_us": %%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


def process_tree(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                children.append(int(entry.name))
    return children + [g for c in children for g in process_tree(c)]


def vm(pid: int, field: str) -> int | None:
    try:
        m = re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        return int(m.group(1)) // 1024 if m else None
    except OSError:
        return None


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def wait_ready(port: int, token: str, deadline_s: float = 90) -> None:
    end = time.time() + deadline_s
    last = None
    while time.time() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", FEED, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                return
            last = f"HTTP {response.status} {body[:200]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise RuntimeError(f"granian did not answer on port {port}: {last}")


def run_wrk(port: int, lua: Path, connections: int, seconds: int) -> dict:
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", str(lua),
           f"http://127.0.0.1:{port}{FEED}"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk said: {result.stdout}\n{result.stderr}")
    raw = json.loads(line[len("WRKJSON "):])
    secs = raw["duration_us"] / 1e6
    return {"connections": connections, "seconds": round(secs, 1), "requests": raw["requests"],
            "rps": round(raw["requests"] / secs, 1), "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000, "mean_ms": round(raw["mean_us"] / 1000, 2), "max_ms": raw["max_us"] / 1000,
            "errors": {k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "non_2xx", "timeouts")}}


def measure_load(env: dict, members: list[int], tokens: dict[int, str], args, *, levels: list[int] | None = None,
                 app: str = "vitrina.wsgi:application") -> dict:
    from django.utils import timezone

    from vitrina.accounts.models import ApiToken, User

    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install -y wrk)"}
    # Steady state of members who use the app: token and activity touched recently, so the
    # 10-minute token touch and the hourly activity touch do not fire on every first request.
    now = timezone.now()
    ApiToken.objects.filter(name=TOKEN_NAME).update(last_used_at=now)
    User.objects.filter(pk__in=members).update(last_active_at=now)
    pool = [tokens[uid] for uid in members]
    work = Path(tempfile.mkdtemp(prefix="feed-load-", dir=BASE))
    lua = work / "feed.lua"
    lua.write_text(WRK_LUA % (", ".join(f'"{t}"' for t in pool), FEED))
    port = free_port()
    server_env = {k: v for k, v in os.environ.items()}
    apply_to = {**env, "ALLOWED_HOSTS": "127.0.0.1", "MALLOC_ARENA_MAX": "2", "DEBUG": "0"}
    for key, value in apply_to.items():
        if value == "":
            server_env.pop(key, None)
        else:
            server_env[key] = value
    cmd = [str(VENV / "granian"), "--interface", "wsgi", "--workers", str(args.server_workers),
           "--blocking-threads", str(args.server_threads), "--host", "127.0.0.1", "--port", str(port), app]
    server_log = open(work / "granian.log", "w")
    server = subprocess.Popen(cmd, cwd=ROOT, env=server_env, stdout=server_log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    out: dict = {"server": " ".join(cmd[1:]), "members": len(pool), "levels": []}
    try:
        wait_ready(port, pool[0])
        workers = process_tree(server.pid)
        out["worker_pids"] = workers
        for level in levels or args.concurrency:
            run_wrk(port, lua, level, 3)  # warm-up: every thread's connection and code paths
            t0 = os.getloadavg()
            cpu0 = cpu_seconds(workers + [server.pid])
            result = run_wrk(port, lua, level, args.load_seconds)
            cpu = cpu_seconds(workers + [server.pid]) - cpu0
            result["server_cpu_ms_per_request"] = round(cpu * 1000 / max(1, result["requests"]), 2)
            result["server_cpu_cores_used"] = round(cpu / result["seconds"], 2)
            result["loadavg_1m_after"] = os.getloadavg()[0]
            result["worker_rss_mb"] = [vm(pid, "VmRSS") for pid in workers]
            out["levels"].append(result)
            log(f"  {level:>3} connections: {result['rps']:7.1f} req/s  p50 {result['p50_ms']:.1f} ms  "
                f"p99 {result['p99_ms']:.1f} ms  errors {result['errors']}  server CPU "
                f"{result['server_cpu_ms_per_request']} ms/request on {result['server_cpu_cores_used']} cores "
                f"(loadavg before {t0[0]:.2f})")
        out["worker_peak_rss_mb"] = [vm(pid, "VmHWM") for pid in workers]
        out["main_peak_rss_mb"] = vm(server.pid, "VmHWM")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()
        tail = (work / "granian.log").read_text()[-2000:]
        shutil.rmtree(work, ignore_errors=True)
        if sys.exc_info()[0] is not None:
            log(f"granian's log ends:\n{tail}")
    if "Traceback" in tail or "Error" in tail:
        out["server_log_tail"] = tail
    return out


# --- 6. experiment: gc.freeze() ---------------------------------------------------------------------------

def measure_gc_freeze(env: dict, members: list[int], tokens: dict[int, str], args, rng: random.Random) -> dict:
    """Warm feed reads in blocks A B A B (B: gc.freeze() after start-up), then granian A, B, A at the primary
    concurrency (B: bench/feed_wsgi_gcfreeze.py). Interleaved, as the machine's other load drifts."""
    import gc

    from django.test import Client

    import vitrina.urls  # noqa: F401  (what a worker has loaded after its first request)

    client = Client()
    for uid in members:
        get(client, FEED, tokens[uid])
    blocks: dict[str, list[float]] = {"default": [], "gc_freeze": []}
    cpu: dict[str, list[float]] = {"default": [], "gc_freeze": []}
    collections: dict[str, int] = {"default": 0, "gc_freeze": 0}
    full = []
    gc.callbacks.append(lambda phase, info: full.append(1) if phase == "start" and info["generation"] == 2 else None)
    order = members[:]
    for mode in ("default", "gc_freeze", "default", "gc_freeze"):
        if mode == "gc_freeze":
            gc.freeze()
        rng.shuffle(order)
        before = len(full)
        for uid in order[: len(order) // 2]:
            CPU_TIMES.clear()
            _response, dt = get(client, FEED, tokens[uid])
            blocks[mode].append(dt)
            cpu[mode].append(CPU_TIMES[-1])
        collections[mode] += len(full) - before
        gc.unfreeze()
    gc.callbacks.pop()
    out = {"in_process": {mode: {**summary_ms(blocks[mode]), "cpu": summary_ms(cpu[mode]),
                                 "full_collections": collections[mode]} for mode in blocks}}
    for mode, r in out["in_process"].items():
        log(f"  in-process {mode:<10} p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  mean {r['mean_ms']} ms  "
            f"({r['full_collections']} full collections in {r['n']} reads)")
    level = [args.primary_concurrency]
    runs = []
    for app in ("vitrina.wsgi:application", "bench.feed_wsgi_gcfreeze:application", "vitrina.wsgi:application"):
        log(f"  granian {app}:")
        runs.append({"app": app, **measure_load(env, members, tokens, args, levels=level, app=app)})
    out["load"] = runs
    return out


# --- 5. Explore and search (run in a fresh process) ------------------------------------------------------

def measure_explore_search(args) -> dict:
    from django.test import Client
    from django.urls import Resolver404, resolve

    from vitrina.accounts.models import User

    rng = random.Random(args.seed + 5)
    n = User.objects.count()
    members = rng.sample(range(1, n + 1), min(args.explore_requests, n))
    tokens = issue_tokens(members)
    client = Client()
    out: dict = {}

    def available(path: str) -> bool:
        try:
            resolve(path)
            return True
        except Resolver404:
            return False

    def run(name: str, path: str, params_of) -> None:
        if not available(path):
            out[name] = {"missing": f"{path} does not resolve"}
            log(f"  {name}: {path} missing")
            return
        times, counts, statuses = [], [], {}
        first = None
        for i, uid in enumerate(members):
            response, dt = get(client, path, tokens[uid], params_of(i))
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code == 200:
                counts.append(len(response.json().get("items", [])))
            if first is None:
                first = dt
            else:
                times.append(dt)
        out[name] = {"first_request_ms": round(first * 1000, 2), **summary_ms(times), "statuses": statuses,
                     "mean_items": round(statistics.fmean(counts), 1) if counts else None,
                     "empty_results": sum(c == 0 for c in counts)}
        log(f"  {name:<18} p50 {out[name].get('p50_ms')} ms  p99 {out[name].get('p99_ms')} ms  "
            f"first {out[name]['first_request_ms']} ms  statuses {statuses}  mean items {out[name]['mean_items']}")

    run("explore", f"{API}/explore", lambda i: {})
    run("trending_hashtags", f"{API}/explore/trending-hashtags", lambda i: {})
    words = feed_generate.WORDS
    tag_words = words + [a + b for a in words[:40] for b in feed_generate.NOUNS[:6]]
    post_words = list(feed_generate.ITEMS) + list(feed_generate.ADJECTIVES) + list(feed_generate.CITIES) + words

    def prefix(word: str, i: int) -> str:
        return word[: max(2, min(len(word), 2 + i % 5))]

    def accounts_q(i):
        w = rng.choice(words)
        return {"type": "accounts", "q": prefix(w, i) if i % 3 else f"{w}.{rng.choice(feed_generate.NOUNS)}"}

    def hashtags_q(i):
        return {"type": "hashtags", "q": ("#" if i % 2 else "") + prefix(rng.choice(tag_words), i)}

    def posts_q(i):
        q = prefix(rng.choice(post_words), i).lower()
        if i % 4 == 0:
            q = rng.choice(feed_generate.ADJECTIVES) + " " + prefix(rng.choice(feed_generate.ITEMS), i)
        return {"type": "posts", "q": q}

    run("search_accounts", f"{API}/search", accounts_q)
    run("search_hashtags", f"{API}/search", hashtags_q)
    run("search_posts", f"{API}/search", posts_q)
    from vitrina.accounts.models import ApiToken

    ApiToken.objects.filter(name=TOKEN_NAME, user_id__in=members).delete()
    return out


# --- report -------------------------------------------------------------------------------------------

def report(results: dict) -> None:
    backend = results["backend"]
    target = TARGETS[backend]
    rows = [("measure", "p50 ms", "p99 ms", "mean ms", "n", "target", "result")]
    feed = results.get("feed", {})
    if feed:
        w, c = feed["warm"], feed["cold_first_read"]
        rows.append(("feed, warm timeline (test client)", w["p50_ms"], w["p99_ms"], w["mean_ms"], w["n"],
                     f"p99 ≤ {target['feed_p99_ms']}", verdict(w["p99_ms"] <= target["feed_p99_ms"])))
        rows.append(("feed, cold first read (rebuild)", c["p50_ms"], c["p99_ms"], c["mean_ms"], c["n"], "", ""))
    es = results.get("explore_search", {})
    for name in ("explore", "trending_hashtags", "search_accounts", "search_hashtags", "search_posts"):
        r = es.get(name)
        if r is None:
            continue
        if "missing" in r:
            rows.append((name, "missing", "", "", "", "", "MISSING"))
            continue
        limit = target["explore_p99_ms"] if name.startswith(("explore", "trending")) else target["search_p99_ms"]
        rows.append((name, r["p50_ms"], r["p99_ms"], r["mean_ms"], r["n"], f"p99 ≤ {limit}",
                     verdict(r["p99_ms"] <= limit)))
    print_table(f"Feed benchmark — {backend} ({results['machine']['cpu_model']}, {results['machine']['cores']} cores, "
                f"{results['machine']['ram_mb']} MB)", rows)

    load = results.get("load", {})
    if load.get("levels"):
        rows = [("connections", "req/s", "p50 ms", "p99 ms", "errors", "target", "result")]
        for lv in load["levels"]:
            ok = None
            if "load_rps" in target and lv["connections"] == args_primary(results):
                ok = lv["rps"] >= target["load_rps"] and lv["p99_ms"] <= target["load_p99_ms"]
            errors = sum(lv["errors"].values())
            rows.append((lv["connections"], lv["rps"], lv["p50_ms"], lv["p99_ms"], errors,
                         f"≥ {target['load_rps']}/s, p99 ≤ {target['load_p99_ms']}" if "load_rps" in target else "",
                         verdict(ok) if ok is not None else ""))
        print_table(f"Feed under load: granian {load['server'].split(' --host')[0]} + wrk, "
                    f"{load['levels'][0]['seconds']} s each; "
                    f"worker peak RSS {load.get('worker_peak_rss_mb')} MB", rows)

    fan = results.get("fanout", {})
    if fan:
        pa, pl = fan["pushed_account"], fan["pulled_account"]
        rows = [("fan-out", "followers", "active", "wall s (median/max)", "timelines written", "verified", "target",
                 "result")]
        ok = pa["wall_s_max"] <= target["fanout_10k_s"] if "fanout_10k_s" in target else None
        rows.append((f"account {pa['id']} (pushed)", pa["followers"], pa["active_followers"],
                     f"{pa['wall_s_median']}/{pa['wall_s_max']}", pa["runs"][-1]["timelines_written"],
                     f"{pa['verified']['contain_post']}/{pa['verified']['checked']}, API {pa['api_feed_top_is_post']}",
                     f"≤ {target['fanout_10k_s']} s" if ok is not None else "", verdict(ok) if ok is not None else ""))
        walls = [r["wall_s"] for r in pl["runs"]]
        rows.append((f"account {pl['id']} (pulled)", pl["followers"], "", f"{statistics.median(walls)}/{max(walls)}",
                     pl["runs"][-1]["timelines_written"], f"API {pl['api_feed_top_is_post']}", "O(1) writes",
                     verdict(pl["o1"])))
        print_table("Fan-out (vitrina.timeline.tasks.fan_out_now, in-process)", rows)
    mem = results.get("redis_memory")
    if mem:
        log(f"\nRedis: {mem['bytes_mean']} bytes per timeline mean, p99 {mem['bytes_p99']} "
            f"({mem['entries_mean']} entries mean, {mem['bytes_per_entry_mean']} bytes/entry), "
            f"{mem['timelines_sampled']} timelines sampled; db 14 holds {mem['redis_keys_db14']} keys, "
            f"Redis uses {mem['redis_used_memory_mb']} MB")
    exp = results.get("gc_freeze_experiment")
    if exp:
        rows = [("gc.freeze() experiment", "p50 ms", "p99 ms", "mean ms", "req/s", "server CPU ms/req")]
        for mode, r in exp["in_process"].items():
            rows.append((f"in-process, {mode}", r["p50_ms"], r["p99_ms"], r["mean_ms"], "", ""))
        for run in exp["load"]:
            lv = run["levels"][0]
            rows.append((f"granian {lv['connections']} conns, {run['app']}", lv["p50_ms"], lv["p99_ms"], lv["mean_ms"],
                         lv["rps"], lv["server_cpu_ms_per_request"]))
        print_table("Experiment (not the app as deployed): gc.freeze() after start-up", rows)
    gen = results.get("generation")
    if gen:
        log(f"\nGeneration: {gen.get('timings_s', {}).get('total')} s "
            f"({gen.get('seconds_per_million_rows')} s per million rows){' (reused)' if gen.get('reused') else ''}")


def args_primary(results: dict) -> int:
    return results.get("load", {}).get("primary_connections", 16)


# --- main ----------------------------------------------------------------------------------------------

def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--likes", type=int, default=2_000_000)
    parser.add_argument("--saves", type=int, default=100_000)
    parser.add_argument("--tags", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the data in place when its sizes match")
    parser.add_argument("--reads", type=int, default=2000, help="members sampled for the feed reads")
    parser.add_argument("--profile-reads", type=int, default=200)
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--concurrency", default="8,16,32", help="wrk connections, one run each")
    parser.add_argument("--server-workers", type=int, default=None,
                        help="granian worker processes (default: 2 on postgres; 1 on sqlite, whose cache is "
                             "per process, as README's WEB_WORKERS says)")
    parser.add_argument("--server-threads", type=int, default=4, help="granian --blocking-threads per worker")
    parser.add_argument("--primary-concurrency", type=int, default=16, help="the level judged against the target")
    parser.add_argument("--fanout-repeats", type=int, default=3)
    parser.add_argument("--prebuild-seconds", type=int, default=400,
                        help="time budget for building the fan-out account's followers' Redis timelines")
    parser.add_argument("--explore-requests", type=int, default=300)
    parser.add_argument("--pull-threshold", type=int, default=0,
                        help="FEED_PULL_THRESHOLD for small development runs (default: the app's setting)")
    parser.add_argument("--only", default="",
                        help="comma-separated phases to run alone on the data in place: feed, fanout, memory, load, "
                             "explore-search (results merged into the JSON file)")
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c]
    if args.server_workers is None:
        args.server_workers = 2 if args.backend == "postgres" else 1
    args.phases = set(args.only.split(",")) - {""} or set(PHASES)
    unknown = args.phases - set(PHASES) - set(EXTRA_PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    if args.only:
        args.reuse = True
    return args


PHASES = ("feed", "fanout", "memory", "load", "explore-search")
EXTRA_PHASES = ("gc-freeze",)  # only when named in --only


def run_explore_search_child(args, env: dict) -> dict:
    """A fresh interpreter, so that Explore and search code finished during the run is what gets measured."""
    out = Path(tempfile.mkstemp(prefix="feed-es-", suffix=".json", dir=BASE)[1])
    cmd = [str(VENV / "python"), str(Path(__file__)), "--backend", args.backend,
           "--child-out", str(out), "--seed", str(args.seed), "--explore-requests", str(args.explore_requests)]
    if args.pull_threshold:
        cmd += ["--pull-threshold", str(args.pull_threshold)]
    child_env = {k: v for k, v in os.environ.items()}
    subprocess.run(cmd, cwd=ROOT, env=child_env, check=False)
    try:
        return json.loads(out.read_text())
    except (OSError, ValueError) as exc:
        return {"error": f"the explore/search process failed: {exc}"}
    finally:
        out.unlink(missing_ok=True)


def main() -> None:
    args = parse()
    BASE.mkdir(parents=True, exist_ok=True)
    env = bench_env(args.backend, args)
    apply_env(env)
    results_path = BENCH / "results" / f"feed-{args.backend}.json"

    if args.child_out:
        import gc

        import django

        django.setup()
        # As deployed (vitrina/wsgi.py): the URL map loaded, then everything so far frozen
        # out of the collector's view, so full collections do not stall requests.
        import vitrina.urls  # noqa: F401

        gc.freeze()
        log("   (fresh process, gc.freeze() after start-up as in vitrina/wsgi.py)")
        Path(args.child_out).write_text(json.dumps(measure_explore_search(args)))
        return

    t_run = time.perf_counter()
    sizes = sizes_of(args)
    meta = existing_meta(args.backend, sizes) if args.reuse else None
    if meta is None:
        reset_database(args.backend)
    migrate(env)
    import django

    django.setup()
    from django.conf import settings

    if meta is not None and count_users() != sizes.accounts:
        log("--reuse: the database does not hold the generated data; generating again")
        reset_database(args.backend)
        migrate(env)
        meta = None
    if meta is None:
        target = PG_URL if args.backend == "postgres" else str(var_dir("sqlite") / "vitrina.sqlite3")
        log(f"Generating {sizes} into {target} ...")
        meta = feed_generate.generate(backend=args.backend, target=target, sizes=sizes,
                                      threshold=settings.FEED_PULL_THRESHOLD, log=log)
        meta["seconds_per_million_rows"] = feed_generate.rows_per_million(meta)
        (var_dir(args.backend) / "bench-meta.json").write_text(json.dumps(meta, indent=2))
        log(f"Generation took {meta['timings_s']['total']} s ({meta['seconds_per_million_rows']} s per million rows)")
        generation = dict(meta, reused=False)
    else:
        log(f"--reuse: data in place (generated {meta['generated_at']}, took {meta['timings_s']['total']} s)")
        generation = dict(meta, reused=True)

    partial = args.phases != set(PHASES)
    previous = json.loads(results_path.read_text()) if partial and results_path.exists() else {}
    results = {
        **previous,
        "benchmark": "home feed", "backend": args.backend,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
        "database": PG_URL if args.backend == "postgres" else str(var_dir("sqlite") / "vitrina.sqlite3"),
        "timeline_store": settings.TIMELINE_STORE, "redis": REDIS_URL if args.backend == "postgres" else None,
        "settings": {"FEED_PULL_THRESHOLD": settings.FEED_PULL_THRESHOLD, "FEED_ACTIVE_DAYS": settings.FEED_ACTIVE_DAYS,
                     "DEBUG": settings.DEBUG, "CONN_MAX_AGE": settings.DATABASES["default"].get("CONN_MAX_AGE")},
        "generation": generation, "targets": TARGETS[args.backend],
    }
    results["schema_repaired"] = ensure_schema(env)
    results["pulled_posts"] = sync_pulled_posts()
    results["sources_at_start"] = source_versions()
    if args.backend == "postgres":
        results["postgres"] = {k: pg_admin(f"SHOW {k}")[0][0] for k in
                               ("server_version", "shared_buffers", "work_mem", "effective_cache_size")}

    cleanup_probes()
    if "feed" in args.phases:
        reset_timelines()  # cold timelines for the first reads
    rng = random.Random(args.seed + 1)
    members = rng.sample(range(1, sizes.accounts + 1), min(args.reads, sizes.accounts))
    tokens = issue_tokens(members)

    if "feed" in args.phases:
        log(f"\n1. Feed through the test client ({len(members)} members) ...")
        feed = results["feed"] = measure_feed(members, tokens, rng, args.profile_reads)
        log(f"   warm p50 {feed['warm']['p50_ms']} ms, p99 {feed['warm']['p99_ms']} ms; "
            f"cold p50 {feed['cold_first_read']['p50_ms']} ms, p99 {feed['cold_first_read']['p99_ms']} ms")
    else:
        warm_up(members)

    if "fanout" in args.phases:
        log("\n2. Fan-out ...")
        results["fanout"] = measure_fanout(meta, tokens, args, rng)

    if "memory" in args.phases and settings.TIMELINE_STORE == "redis":
        log("\n3. Redis memory ...")
        results["redis_memory"] = measure_redis_memory(members)

    if "load" in args.phases:
        log(f"\n4. Feed under load (granian + wrk, {args.concurrency} connections, {args.load_seconds} s each) ...")
        results["sources_at_load"] = source_versions()
        results["load"] = measure_load(env, members, tokens, args)
        results["load"]["primary_connections"] = args.primary_concurrency

    if "gc-freeze" in args.phases:
        log("\n6. Experiment: CPython's full collections, with and without gc.freeze() after start-up ...")
        results["gc_freeze_experiment"] = measure_gc_freeze(env, members, tokens, args, rng)

    if "explore-search" in args.phases:
        log("\n5. Explore and search ...")
        results["sources_at_explore_search"] = source_versions()
        results["explore_search"] = run_explore_search_child(args, env)
        results["explore_search_measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")

    from vitrina.accounts.models import ApiToken

    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    results["machine"]["loadavg_at_end"] = os.getloadavg()
    results["run_seconds"] = round(time.perf_counter() - t_run, 1)
    results_path.parent.mkdir(exist_ok=True)
    # Only the phases run now: a partial run keeps older phases' figures (and their sources).
    measured_now = [key for phase, key in (("load", "sources_at_load"), ("explore-search", "sources_at_explore_search"))
                    if phase in args.phases]
    changed = sorted({k for key in measured_now
                      for k, v in results.get(key, {}).items() if results["sources_at_start"].get(k) != v})
    if changed:
        results["warning"] = f"code changed during the run (in-process phases measured the older code): {changed}"
    results_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    report(results)
    if changed:
        log(f"\nWARNING: {results['warning']}")
    log(f"\nWrote {results_path.relative_to(ROOT)} in {results['run_seconds']} s")


if __name__ == "__main__":
    main()
