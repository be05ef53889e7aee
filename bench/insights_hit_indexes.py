"""What each index of insights_hit costs a hit written, on PostgreSQL (#13: recording's cost on the feed load).

    .venv/bin/python bench/insights_hit_indexes.py [--prefill 2000000] [--hits 200000] [--rounds 3]

A database of its own (vitrina_bench_hitidx), migrated as deployed. For each layout of indexes (all, as
deployed; without one or both of the two indexes led by account and by post; without the unique one too;
the time index as BRIN), --rounds times, alternating the layouts: the table is emptied and filled with
--prefill hits (server-side), analysed and checkpointed; then --hits hits are written as the drain writes
them (vitrina.insights.recording.write_rows, batches of 5,000: post views of random viewers, posts and
accounts, one in ten another kind). Measured in process, from the writer's side: microseconds per hit (wall
time of the inserts and commits) and WAL bytes per hit (the first change to each page after the checkpoint
writes the whole page, which is what indexes in random order pay for). Medians over the rounds.
Results: bench/results/insights-hit-indexes.json.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
DB = "vitrina_bench_hitidx"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")

from harness.common import PG_ADMIN, VENV, log, machine, print_table  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402

BATCH = 5000
RESULTS = BENCH / "results" / "insights-hit-indexes.json"
RANDOM_ORDER = ("insights_hit_account_viewer", "insights_hit_post_viewer")
LAYOUTS = {
    "as deployed (5 indexes)": (),
    "without post_viewer": ("insights_hit_post_viewer",),
    "without account_viewer": ("insights_hit_account_viewer",),
    "without both": RANDOM_ORDER,
    "without both and the unique one": (*RANDOM_ORDER, "insights_hit_post_view_once_an_hour"),
    "created_at as BRIN": ("insights_hit_created",),
}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prefill", type=int, default=2_000_000)
    parser.add_argument("--hits", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB}")
    subprocess.run([str(VENV / "python"), "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env={**os.environ})


def rows(n: int, rng: random.Random) -> list[tuple]:
    now = time.time()
    out = []
    for _ in range(n):
        if rng.random() < 0.9:
            out.append((1, rng.randint(1, 10_000), rng.randint(1, 100_000), rng.randint(1, 1_000_000), None, "feed",
                        None, "", now))
        else:
            out.append((2, rng.randint(1, 10_000), rng.randint(1, 100_000), None, None, "", None, "", now))
    return out


def main() -> None:
    args = parse()
    fresh_database()
    import django

    django.setup()
    from django.db import connection

    from vitrina.insights.recording import write_rows

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'insights_hit' "
                       "AND indexname <> 'insights_hit_pkey'")
        definitions = dict(cursor.fetchall())
    missing = {name for names in LAYOUTS.values() for name in names} - definitions.keys()
    assert not missing, f"indexes not in the schema: {missing}"

    def layout(name: str) -> None:
        dropped = LAYOUTS[name]
        with connection.cursor() as cursor:
            for index in definitions:
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
            for index, sql in definitions.items():
                if index not in dropped:
                    cursor.execute(sql)
            if name == "created_at as BRIN":
                cursor.execute("CREATE INDEX insights_hit_created ON insights_hit USING brin (created_at)")

    def prefill() -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE insights_hit")
            # A day's hits before the measured ones, spread over the last 24 hours, as random as the measured.
            cursor.execute(
                "INSERT INTO insights_hit (kind, account_id, viewer_id, post_id, source, hour, currency, created_at) "
                "SELECT 1, 1 + (random() * 9999)::int, 1 + (random() * 99999)::int, 1 + (random() * 999999)::int, "
                "'feed', floor(extract(epoch FROM t) / 3600)::int, '', t "
                "FROM (SELECT now() - random() * interval '24 hours' AS t FROM generate_series(1, %s)) s "
                "ON CONFLICT DO NOTHING", [args.prefill])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE insights_hit")
            cursor.execute("CHECKPOINT")

    def wal() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
            return int(cursor.fetchone()[0])

    rng = random.Random(13)
    measured = {name: {"us_per_hit": [], "wal_bytes_per_hit": []} for name in LAYOUTS}
    for round_ in range(args.rounds):
        order = list(LAYOUTS) if round_ % 2 == 0 else list(reversed(LAYOUTS))
        for name in order:
            layout(name)
            prefill()
            batches = [rows(BATCH, rng) for _ in range(args.hits // BATCH)]
            before, started = wal(), time.perf_counter()
            for batch in batches:
                write_rows(batch)
            seconds = time.perf_counter() - started
            hits = len(batches) * BATCH
            measured[name]["us_per_hit"].append(seconds / hits * 1e6)
            measured[name]["wal_bytes_per_hit"].append((wal() - before) / hits)
            log(f"round {round_ + 1} {name}: {seconds / hits * 1e6:.1f} µs/hit")

    base = statistics.median(measured["as deployed (5 indexes)"]["us_per_hit"])
    table = []
    results = {}
    for name, figures in measured.items():
        us, wal_bytes = statistics.median(figures["us_per_hit"]), statistics.median(figures["wal_bytes_per_hit"])
        results[name] = {"us_per_hit_median": round(us, 2), "wal_bytes_per_hit_median": round(wal_bytes),
                         "us_per_hit_runs": [round(v, 2) for v in figures["us_per_hit"]],
                         "wal_bytes_per_hit_runs": [round(v) for v in figures["wal_bytes_per_hit"]]}
        table.append((name, f"{us:.1f}", f"{(us / base - 1) * 100:+.0f}%", f"{wal_bytes:,.0f}"))
    print_table(f"insights_hit: a hit written, PostgreSQL, {args.prefill:,} rows before, {args.hits:,} measured, "
                f"median of {args.rounds}",
                [("layout", "µs per hit", "vs deployed", "WAL bytes per hit"), *table])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "insights_hit_indexes", "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "how": "in process, write_rows over batches of 5000 after a checkpoint, PostgreSQL", "args": vars(args),
        "machine": machine(), "code": fingerprint(), "results": results}, indent=2) + "\n")
    log(f"saved {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
