"""Insights and rating benchmark, on the feed benchmark's synthetic network plus synthetic hits.

    .venv/bin/python bench/insights.py --backend sqlite|postgres|both [--hits 10000000] [--reuse]
                                       [--accounts 100000 --edges 5000000 --posts 1000000 --likes 2000000]

Data (outside the timed parts): the network of bench/feed_generate.py in a database of its own
(PostgreSQL: vitrina_bench_insights; SQLite: /tmp/vitrina-bench/insights-sqlite), then --hits rows of
insights_hit from bench/insights_generate.py (the last 30 days, nine in ten post views). --reuse keeps data
whose sizes match. With --backend both, each backend runs in its own process.

Measured, in process (Django's test client, no HTTP server), hot unless said:
  1. ingest: hits through vitrina.insights.recording as pages record them, then flushed to the table: hits/s;
  2. recording's cost on a request: the profile page (it records a visit) with recording on and off,
     p50/p99 over the same members, interleaved;
  3. fold: one day (yesterday) folded into the daily tables, seconds (and again: a rerun replaces);
  4. rating: vitrina.rankings' recompute over every business account, seconds (target ≤ 60); then, unless
     --no-rating-all, again with all 100,000 accounts made business accounts for the run (spread over the
     categories; their types put back after), the issue's "100,000 accounts";
  5. insights page: the hourly audience job first (timed), then /insights/?days=28 for the business
     accounts with the most hits and a sample of the rest, p50/p99 (target p99 ≤ 100 ms), and /api/vitrina/v1/me/insights?days=28 likewise; each account's
     first open after the cache is emptied is reported apart (cold: its numbers counted from the tables;
     later opens read them as cached until the next fold, INSIGHTS_CACHE_SECONDS).
Results: bench/results/insights-<backend>.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
# A database and Redis of the benchmark's own: the feed benchmark's data stays as it is.
os.environ.setdefault("BENCH_PG_DB", "vitrina_bench_insights")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")

import feed_generate  # noqa: E402
import insights_generate  # noqa: E402
from harness import dataset  # noqa: E402
from harness.common import BASE, PG_URL, VENV, log, machine, pct, print_table, summary_ms, verdict  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402

dataset.var_dir = lambda backend: BASE / f"insights-{backend}"
TARGETS = {"rating_s": 60, "page_p99_ms": 100}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), required=True)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--likes", type=int, default=2_000_000)
    parser.add_argument("--saves", type=int, default=100_000)
    parser.add_argument("--tags", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pull-threshold", type=int, default=0)
    parser.add_argument("--hits", type=int, default=10_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data in place when its sizes match")
    parser.add_argument("--ingest", type=int, default=100_000, help="hits recorded in the ingest phase")
    parser.add_argument("--requests", type=int, default=400, help="requests per page measured")
    parser.add_argument("--keep-folds", action="store_true",
                        help="page phase: keep the 29 days an earlier run folded (the fold code unchanged)")
    parser.add_argument("--no-rating-all", dest="rating_all", action="store_false",
                        help="rate the network's business accounts only, not every account as well")
    parser.add_argument("--only", default="", help="comma-separated phases: ingest,request,fold,rating,page (or generate: the data only)")
    return parser.parse_args()


PHASES = ("ingest", "request", "fold", "rating", "page")


def prepare(args) -> dict:
    """The network and the hits in place (generated unless --reuse finds them); Django set up on them."""
    env = dataset.bench_env(args.backend, args)
    dataset.apply_env(env)
    sizes = dataset.sizes_of(args)
    meta = dataset.existing_meta(args.backend, sizes) if args.reuse else None
    if meta is not None and meta.get("hits", {}).get("hits") != args.hits:
        log("--reuse: the hits in place are another number; generating again")
        meta = None
    if meta is None:
        dataset.reset_database(args.backend)
    dataset.migrate(env)
    import django

    django.setup()
    from django.conf import settings

    if meta is None:
        target = PG_URL if args.backend == "postgres" else str(dataset.var_dir("sqlite") / "vitrina.sqlite3")
        log(f"Generating {sizes} into {target} ...")
        meta = feed_generate.generate(backend=args.backend, target=target, sizes=sizes,
                                      threshold=settings.FEED_PULL_THRESHOLD, log=log)
        log(f"Generating {args.hits:,} hits ...")
        meta["hits"] = insights_generate.generate_hits(backend=args.backend, target=target, accounts=args.accounts,
                                                       hits=args.hits, log=log)
        (dataset.var_dir(args.backend) / "bench-meta.json").write_text(json.dumps(meta, indent=2))
        meta["reused"] = False
    else:
        log(f"--reuse: data in place (generated {meta['generated_at']})")
        meta["reused"] = True
    dataset.ensure_schema(env)
    return meta


def main() -> None:
    args = parse()
    if args.backend == "both":
        for backend in ("sqlite", "postgres"):
            argv = [a for a in sys.argv[1:]]
            i = argv.index("--backend")
            argv[i + 1] = backend
            subprocess.run([str(VENV / "python"), __file__, *argv], check=True)
        return
    BASE.mkdir(parents=True, exist_ok=True)
    phases = set(args.only.split(",")) - {""} or set(PHASES)
    meta = prepare(args)
    if phases == {"generate"}:  # the data only, for a later --reuse
        return
    from django.core.management import call_command

    from phases import insights as phases_insights

    # The pages render {% static %} through the manifest, as served: collected first (a fresh checkout has none).
    call_command("collectstatic", "--noinput", verbosity=0)
    results = {
        "benchmark": "insights", "backend": args.backend,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
        "how": "in process (Django test client), hot unless said; the feed benchmark's network plus synthetic hits",
        "generation": meta, "targets": TARGETS, "sources_at_start": fingerprint(),
    }
    for phase in PHASES:
        if phase in phases:
            log(f"\n{phase} ...")
            t = time.perf_counter()
            results[phase] = getattr(phases_insights, phase)(args, meta)
            log(f"   ({time.perf_counter() - t:.1f} s)")
    report(results)
    out = BENCH / "results" / f"insights-{args.backend}.json"
    previous = json.loads(out.read_text()) if args.only and out.exists() else {}
    out.write_text(json.dumps({**previous, **results}, indent=2, default=str) + "\n")
    log(f"\nSaved {out.relative_to(ROOT)}")


def report(r: dict) -> None:
    rows = [("figure", "value", "target", "")]
    if "ingest" in r:
        rows.append(("ingest (record + flush)", f"{r['ingest']['hits_per_s']:,.0f} hits/s", "", ""))
        rows.append(("record() call", f"{r['ingest']['record_us']} µs", "", ""))
    if "request" in r:
        q = r["request"]
        rows.append(("profile page, recording off", f"p50 {q['off']['p50_ms']} / p99 {q['off']['p99_ms']} ms", "", ""))
        rows.append(("profile page, recording on", f"p50 {q['on']['p50_ms']} / p99 {q['on']['p99_ms']} ms", "", ""))
        rows.append(("recording adds (p50)", f"{q['added_p50_ms']} ms", "≤ ~1 ms", verdict(q["added_p50_ms"] <= 1)))
    if "fold" in r:
        rows.append(("fold one day", f"{r['fold']['seconds']} s ({r['fold']['hits_that_day']:,} hits)", "", ""))
        rows.append(("fold it again", f"{r['fold']['again_seconds']} s", "", ""))
    if "rating" in r and r["rating"].get("seconds") is not None:
        ok = r["rating"]["seconds"] <= TARGETS["rating_s"]
        rows.append(("rating recompute, business accounts", f"{r['rating']['seconds']} s "
                     f"({r['rating']['accounts']:,} accounts)", f"≤ {TARGETS['rating_s']} s", verdict(ok)))
        every = r["rating"].get("all_accounts")
        if every:
            ok = every["seconds"] <= TARGETS["rating_s"]
            rows.append(("rating recompute, every account", f"{every['seconds']} s ({every['accounts']:,} accounts)",
                         f"≤ {TARGETS['rating_s']} s", verdict(ok)))
    if "page" in r:
        if r["page"].get("audiences_s") is not None:
            rows.append(("audience job (hourly)", f"{r['page']['audiences_s']} s ({r['page']['audiences']:,} accounts)",
                         "", ""))
        for name, s in r["page"]["pages"].items():
            cold = "cold" in name
            ok = s["p99_ms"] <= TARGETS["page_p99_ms"]
            rows.append((name, f"p50 {s['p50_ms']} / p99 {s['p99_ms']} ms (n={s['n']})",
                         "" if cold else f"p99 ≤ {TARGETS['page_p99_ms']} ms", "" if cold else verdict(ok)))
    print_table(f"Insights benchmark ({r['backend']}; {r['how']})", rows)


if __name__ == "__main__":
    main()
