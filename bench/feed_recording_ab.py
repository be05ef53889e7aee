"""What recording insights costs the feed under load: the realistic profile with INSIGHTS_RECORD off and on,
alternated, every run from the same saved database.

    .venv/bin/python bench/feed_recording_ab.py [--pairs 3] [--mixed-seconds 300]

Needs the PostgreSQL network of bench/feed.py in place (run that once). Its database is copied once to
vitrina_bench_ab_base (CREATE DATABASE ... TEMPLATE) and put back from that copy before every run, so
each run starts from the same rows, the same scheduler state (the same periodic jobs fall due in it) and
cold caches: a run's writes (posts, likes, follows, the hits and folds) do not slow the next one.
Runs go off, on, on, off, off, on, ... (ABBA), so a drift of the machine during the runs weighs on both.

Each run is `bench/feed.py --only mixed` in a process of its own (granian, the RQ worker and the
scheduler as deployed); this script keeps its realistic-profile figures and compares the medians:
bench/results/feed-postgres-recording-ab.json. The issue's condition (#13): with recording on the
load figures drop by no more than 5%.

A run is shorter than the quarter of an hour between two folds of today (insights.fold), so after
each run the fold the scheduler would run next is timed in a process of its own (`fold_s`): the
part of recording's cost that comes later, and grows with the day's hits.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness.common import BASE, PG_DB, ROOT, VENV, log, machine  # noqa: E402
from harness.dataset import pg_admin  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402

COPY = f"{PG_DB}_ab_base"
OUT = ROOT / "bench" / "results" / "feed-postgres-recording-ab.json"
LIMIT = 0.05  # the issue's: load figures drop by no more than 5%


def exists(name: str) -> bool:
    return bool(pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def restore(fresh: bool) -> None:
    """The bench database as it was when the copy was taken (the copy taken first if there is none)."""
    if fresh and exists(COPY):
        pg_admin(f"DROP DATABASE {COPY} WITH (FORCE)")
    if not exists(COPY):
        t = time.perf_counter()
        pg_admin(f"CREATE DATABASE {COPY} TEMPLATE {PG_DB}")
        log(f"copied {PG_DB} to {COPY} in {time.perf_counter() - t:.0f} s")
        return
    t = time.perf_counter()
    pg_admin(f"DROP DATABASE {PG_DB} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_DB} TEMPLATE {COPY}")
    log(f"{PG_DB} put back from {COPY} in {time.perf_counter() - t:.0f} s")


def fold_child() -> None:
    """In a process of its own, on the bench database: the hits now, and the fold of today timed."""
    from types import SimpleNamespace

    from harness.dataset import apply_env, bench_env

    apply_env(bench_env("postgres", SimpleNamespace(pull_threshold=0)))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from vitrina.insights import recording, services
    from vitrina.insights.models import Hit

    drained = recording.flush()  # what the drain job had not yet written
    t, cpu = time.perf_counter(), time.process_time()
    services.fold_day(timezone.now().date())  # today's, as the next insights.fold (yesterday is final)
    print(json.dumps({"hits": Hit.objects.count(), "drained_before": drained,
                      "fold_s": round(time.perf_counter() - t, 2), "fold_python_cpu_s": round(time.process_time() - cpu, 2)}))


def run(mode: str, n: int, seconds: int) -> dict:
    path = BASE / "ab" / f"run-{n}-{mode}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(VENV / "python"), str(ROOT / "bench" / "feed.py"), "--backend", "postgres", "--only", "mixed",
           "--mixed-seconds", str(seconds), "--results", str(path)]
    if mode == "off":
        cmd.append("--insights-off")
    log(f"\nrun {n}: recording {mode} ({seconds} s)")
    subprocess.run(cmd, cwd=ROOT, check=True)
    mixed = json.loads(path.read_text())["mixed_load"]
    overall = mixed["overall"]
    fold = json.loads(subprocess.run([str(VENV / "python"), __file__, "--fold-child"], cwd=ROOT, check=True,
                                     capture_output=True, text=True).stdout.strip().splitlines()[-1])
    log(f"  fold after the run: {fold}")
    return {"run": n, "recording": mode, "rps": overall["rps"], "p50_ms": overall["p50_ms"],
            "seen_requests": mixed["kinds"].get("seen", {}).get("n", 0), **fold,
            "p95_ms": overall["p95_ms"], "p99_ms": overall["p99_ms"],
            "feed_p99_ms": mixed["feed_all_pages"]["p99_ms"], "requests": overall["n"],
            "cpu_ms_per_request": mixed["cpu_ms_per_request"], "fanout_lag_p99_ms": mixed["fanout_lag"]["p99_ms"],
            "scheduler_log": mixed.get("scheduler_log", "")[-1500:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--mixed-seconds", type=int, default=300)
    parser.add_argument("--fresh-copy", action="store_true", help="take the copy again from the database now")
    parser.add_argument("--fold-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fold_child:
        fold_child()
        return
    if not exists(PG_DB):
        sys.exit(f"no {PG_DB}: run bench/feed.py --backend postgres first")

    started = time.perf_counter()
    sources = fingerprint()
    order = [mode for pair in range(args.pairs) for mode in (("off", "on") if pair % 2 == 0 else ("on", "off"))]
    restore(args.fresh_copy)
    runs = []
    for n, mode in enumerate(order, 1):
        if n > 1:
            restore(False)
        runs.append(run(mode, n, args.mixed_seconds))
    restore(False)  # leave the bench database as the copy has it

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["recording"] == mode)

    summary = {}
    for key, better in (("rps", "higher"), ("p50_ms", "lower"), ("p95_ms", "lower"), ("p99_ms", "lower"),
                        ("feed_p99_ms", "lower"), ("fold_s", "lower")):
        off, on = median("off", key), median("on", key)
        change = (on - off) / off if off else 0.0
        worse = -change if better == "higher" else change
        summary[key] = {"off": off, "on": on, "change": round(change, 4), "worse_by": round(worse, 4),
                        "within_limit": worse <= LIMIT if key != "fold_s" else None}
    result = {
        "benchmark": "home feed, realistic profile, insights recording off and on", "backend": "postgres",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(), "sources": sources,
        "how": f"bench/feed.py --only mixed over HTTP, {args.mixed_seconds} s a run, each from a copy of the "
               f"same database ({COPY}), order {' '.join(order)}",
        "limit": LIMIT, "runs": runs, "medians": summary,
        "pass": all(v["within_limit"] for v in summary.values() if v["within_limit"] is not None),
        "run_seconds": round(time.perf_counter() - started, 1),
    }
    if fingerprint() != sources:
        result["warning"] = "code changed during the runs"
    OUT.write_text(json.dumps(result, indent=2) + "\n")

    print(f"\nRecording off / on, {args.pairs} pairs of {args.mixed_seconds} s, median of each "
          f"(PostgreSQL + Redis, over HTTP, {os.cpu_count()} cores)")
    print(f"{'figure':<14}{'off':>10}{'on':>10}{'change':>9}  within 5%")
    for key, v in summary.items():
        verdict = "" if v["within_limit"] is None else "yes" if v["within_limit"] else "NO"
        print(f"{key:<14}{v['off']:>10}{v['on']:>10}{v['change'] * 100:>8.1f}%  {verdict}")
    print("\nruns: " + ", ".join(f"{r['run']} {r['recording']} {r['rps']}/s p99 {r['p99_ms']}" for r in runs))
    print(f"\nWrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
