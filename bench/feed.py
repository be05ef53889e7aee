"""Home feed benchmark: timelines, fan-out, the feed under load, Explore and search, on a synthetic network.

The harness (bench/harness: data, processes, tables, the code fingerprint) runs the phases (bench/phases, one
module each); every figure is stored with the machine, how it was taken (in-process or over HTTP) and the
fingerprint of all the code it ran on (harness/fingerprint.py).

    .venv/bin/python bench/feed.py --backend sqlite|postgres [--accounts 100000 --edges 5000000 --posts 1000000]
                                   [--reuse] [--reads 2000] [--load-seconds 20] [--concurrency 8,16,32]
    .venv/bin/python bench/feed.py --backend postgres --only load,explore-search   (those phases alone, on the
        data in place; the sizes flags must match it; results merged into the JSON file)
    .venv/bin/python bench/feed.py --backend postgres --accounts 10000 --edges 500000 --posts 100000 --likes 200000
        --saves 10000 --only mixed   (the realistic profile on a smaller network: bench/results/feed-postgres-10k.json)
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
     in-process, in a fresh process, after building the Explore pool and trends as the scheduler does.
  4 is the hot profile (a best case: page 1 only, for members whose timelines 1 built, read-only, their token
  and activity timestamps touched beforehand). 7 is the realistic one (phases/mixed_load.py): over HTTP, members
  drawn from all accounts with never-used tokens and cold caches, feed pages 1-5 by cursor, Explore, profiles,
  posts, comments, search with common and rare words and about 10% writes (likes, comments, follows, posts with a
  photo), fan-out on the real queue (one RQ worker with Redis; in the request on SQLite), the scheduler running,
  for --mixed-seconds (600): req/s and p50/p95/p99 per request kind, the worst second, fan-out lag, CPU per
  request of every process, and what the run added to the database, Redis and media storage.
"""

import argparse
import json
import os
import random
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
from harness.common import BASE, PG_URL, REDIS_URL, TOKEN_NAME, VENV, log, machine, print_table, verdict  # noqa: E402
from harness.dataset import (  # noqa: E402
    apply_env,
    bench_env,
    cleanup_probes,
    count_users,
    ensure_schema,
    existing_meta,
    issue_tokens,
    migrate,
    pg_admin,
    reset_database,
    reset_timelines,
    sizes_of,
    sync_pulled_posts,
    var_dir,
    warm_up,
)
from harness.fingerprint import fingerprint  # noqa: E402
from phases.explore_search import measure_explore_search  # noqa: E402
from phases.fanout import measure_fanout  # noqa: E402
from phases.feed_reads import measure_feed  # noqa: E402
from phases.gc_freeze import measure_gc_freeze  # noqa: E402
from phases.hot_load import measure_load  # noqa: E402
from phases.mixed_load import measure_mixed  # noqa: E402
from phases.redis_memory import measure_redis_memory  # noqa: E402

TARGETS = {
    "postgres": {"feed_p99_ms": 40, "load_rps": 300, "load_p99_ms": 150, "fanout_10k_s": 2.0,
                 "explore_p99_ms": 100, "search_p99_ms": 100,
                 "mixed_rps": 300, "mixed_p99_ms": 150, "mixed_feed_p99_ms": 100, "mixed_fanout_lag_p99_ms": 2000},
    "sqlite": {"feed_p99_ms": 60, "explore_p99_ms": 100, "search_p99_ms": 100,
               "mixed_rps": 150, "mixed_p99_ms": 250, "mixed_seconds_without_answers": 0},
}



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
    mixed = results.get("mixed_load")
    if mixed and "overall" in mixed:
        report_mixed(mixed, target)
    gen = results.get("generation")
    if gen:
        log(f"\nGeneration: {gen.get('timings_s', {}).get('total')} s "
            f"({gen.get('seconds_per_million_rows')} s per million rows){' (reused)' if gen.get('reused') else ''}")


def report_mixed(mixed: dict, target: dict) -> None:
    rows = [("request kind", "n", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "5xx/failed", "target", "result")]

    def row(name, r, goal="", ok=None):
        rows.append((name, r["n"], r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"], r["max_ms"], r["server_errors"],
                     goal, verdict(ok) if ok is not None else ""))

    o = mixed["overall"]
    row("overall", o, f"≥ {target['mixed_rps']}/s, p99 ≤ {target['mixed_p99_ms']}",
        o["rps"] >= target["mixed_rps"] and o["p99_ms"] <= target["mixed_p99_ms"])
    if "mixed_feed_p99_ms" in target:
        row("feed, pages 1–5", mixed["feed_all_pages"], f"p99 ≤ {target['mixed_feed_p99_ms']}",
            mixed["feed_all_pages"]["p99_ms"] <= target["mixed_feed_p99_ms"])
    else:
        row("feed, pages 1–5", mixed["feed_all_pages"])
    if mixed.get("writes"):
        row(f"writes ({mixed['write_share'] * 100:.1f}% of requests)", mixed["writes"])
    for kind, r in mixed["kinds"].items():
        row(f"  {kind}", r)
    sec = mixed["seconds"]
    lag = mixed["fanout_lag"]
    ok_lag = None
    if "mixed_fanout_lag_p99_ms" in target and lag["p99_ms"] is not None:
        ok_lag = lag["p99_ms"] <= target["mixed_fanout_lag_p99_ms"]
    rows.append(("fan-out lag (201 → follower's timeline)", lag["timelines_checked"], "", lag["p50_ms"],
                 lag["p95_ms"], lag["p99_ms"], lag["max_ms"], f"{lag['never_arrived']} never",
                 f"p99 ≤ {target['mixed_fanout_lag_p99_ms']}" if "mixed_fanout_lag_p99_ms" in target else "",
                 verdict(ok_lag) if ok_lag is not None else ""))
    rows.append(("seconds without answers", sec["without_answers"], "", "", "", "", "", "",
                 "0", verdict(sec["without_answers"] == 0)))
    print_table(f"Realistic profile: {mixed['server']}, {mixed['connections']} connections, "
                f"{mixed['seconds']['measured']} s; {mixed['queue_worker']}", rows)
    log(f"  worst second: {sec['fewest_answers']} answers (at {sec['fewest_answers_at_s']} s), "
        f"highest p99 {sec['worst_p99_ms']} ms (at {sec['worst_p99_at_s']} s)")
    log(f"  CPU ms per request: {mixed['cpu_ms_per_request']}; added: {mixed['storage']['added']}")


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
    parser.add_argument("--mixed-seconds", type=int, default=600, help="length of the realistic profile's run")
    parser.add_argument("--mixed-connections", type=int, default=16, help="virtual members at once (closed loop)")
    parser.add_argument("--insights-off", action="store_true",
                        help="INSIGHTS_RECORD=0 for the run (results in feed-<backend>-recording-off.json): "
                             "what recording insights costs under load, against a run with it on")
    parser.add_argument("--results", help="the results file's name under bench/results (default: feed-<backend>"
                                          "[-<N>k][-recording-off].json); bench/feed_recording_ab.py names each run's")
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


PHASES = ("feed", "fanout", "memory", "load", "explore-search", "mixed")
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
    if args.insights_off:
        env["INSIGHTS_RECORD"] = "0"
    apply_env(env)
    # The default network's results are feed-<backend>.json; other sizes get their own file (feed-postgres-10k.json).
    scale = "" if args.accounts == 100_000 else f"-{args.accounts // 1000}k"
    off = "-recording-off" if args.insights_off else ""
    results_path = BENCH / "results" / (args.results or f"feed-{args.backend}{scale}{off}.json")

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
                     "INSIGHTS_RECORD": settings.INSIGHTS_RECORD,
                     "DEBUG": settings.DEBUG, "CONN_MAX_AGE": settings.DATABASES["default"].get("CONN_MAX_AGE")},
        "generation": generation, "targets": TARGETS[args.backend],
    }
    results["schema_repaired"] = ensure_schema(env)
    results["pulled_posts"] = sync_pulled_posts()
    results["sources_at_start"] = fingerprint()
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
    elif args.phases & {"fanout", "memory", "load", "gc-freeze"}:
        warm_up(members)  # what those phases expect the feed phase to have built

    if "fanout" in args.phases:
        log("\n2. Fan-out ...")
        results["fanout"] = measure_fanout(meta, tokens, args, rng)

    if "memory" in args.phases and settings.TIMELINE_STORE == "redis":
        log("\n3. Redis memory ...")
        results["redis_memory"] = measure_redis_memory(members)

    if "load" in args.phases:
        log(f"\n4. Feed under load (granian + wrk, {args.concurrency} connections, {args.load_seconds} s each) ...")
        results["sources_at_load"] = fingerprint()
        results["load"] = measure_load(env, members, tokens, args)
        results["load"]["primary_connections"] = args.primary_concurrency

    if "gc-freeze" in args.phases:
        log("\n6. Experiment: CPython's full collections, with and without gc.freeze() after start-up ...")
        results["gc_freeze_experiment"] = measure_gc_freeze(env, members, tokens, args, rng)

    if "explore-search" in args.phases:
        log("\n5. Explore and search ...")
        results["sources_at_explore_search"] = fingerprint()
        results["explore_search"] = run_explore_search_child(args, env)
        results["explore_search_measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")

    if "mixed" in args.phases:
        log(f"\n7. The realistic profile over HTTP ({args.mixed_seconds} s) ...")
        results["code_at_mixed"] = fingerprint()
        results["mixed_load"] = measure_mixed(env, args, backend=args.backend)
        results["mixed_load_measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")

    from vitrina.accounts.models import ApiToken

    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    results["machine"]["loadavg_at_end"] = os.getloadavg()
    results["run_seconds"] = round(time.perf_counter() - t_run, 1)
    results_path.parent.mkdir(exist_ok=True)
    # Only the phases run now: a partial run keeps older phases' figures (and their sources).
    measured_now = [key for phase, key in (("load", "sources_at_load"), ("explore-search", "sources_at_explore_search"),
                                             ("mixed", "code_at_mixed"))
                    if phase in args.phases]
    changed = sorted({k for key in measured_now
                      for k, v in results.get(key, {}).items() if results["sources_at_start"].get(k) != v})
    if changed:
        results["warning"] = f"code changed during the run (in-process phases measured the older code): {changed}"
    results_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    report(results)
    if changed:
        log(f"\nWARNING: {results['warning']}")
    shown = results_path.relative_to(ROOT) if results_path.is_relative_to(ROOT) else results_path
    log(f"\nWrote {shown} in {results['run_seconds']} s")


if __name__ == "__main__":
    main()
