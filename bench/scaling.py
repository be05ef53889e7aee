"""How cost grows: measured unit costs, multiplied out for 1 M and 10 M daily members (docs/scaling.md).

    .venv/bin/python bench/scaling.py

Reads the stored results of this code (bench/results/feed-postgres.json, its smaller network's
feed-postgres-10k.json, feed-sqlite*.json, media.json and redis-timelines.json), prints
  1. the realistic profile at each network size, side by side (how cost grows with the network);
  2. the unit costs taken from them (CPU per request of each process, per fan-out row, per photo;
     Redis bytes per timeline; database bytes per post; bytes per photo stored and per card shown);
  3. those costs multiplied by the usage model below for 1 M and 10 M daily members,
and writes bench/results/scaling.json. Nothing is measured here: every input names the result it
comes from, so a new benchmark run changes the plan.
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from harness.common import print_table  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402

RESULTS = BENCH / "results"

# --- The usage model (assumptions, not measurements; change them here) ---------------------------------
VISITS_PER_DAY = 7  # app opens per daily member
PEAK_TO_MEAN = 2.5  # the busiest minute of the day against the day's mean
UTILISATION = 0.6  # size CPU for 60% busy at peak
POSTS_PER_MEMBER_DAY = 0.2  # photo posts per daily member per day
FOLLOWERS_PER_POST = 150  # followers whose timelines a post is pushed to (active ones)
TIMELINES_PER_DAILY_MEMBER = 2.0  # members active within the timeline TTL (14 days) per daily member
CARDS_PER_FEED_PAGE = 20
KEEP_DAYS = 365  # storage growth shown for a year
CORES_PER_MACHINE = 16  # what a web, worker or database machine is assumed to have
REDIS_NODE_GB = 64  # one Redis node's memory before it must be sharded


def load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def side_by_side(runs: dict[str, dict]) -> list[tuple]:
    rows = [("realistic profile", *runs)]

    def line(label, get):
        values = []
        for result in runs.values():
            try:
                values.append(get(result["mixed_load"]))
            except (KeyError, TypeError):
                values.append("—")
        rows.append((label, *values))

    line("accounts", lambda m: m["members_with_tokens"])
    line("req/s overall", lambda m: m["overall"]["rps"])
    line("p50 / p95 / p99 ms", lambda m: f"{m['overall']['p50_ms']} / {m['overall']['p95_ms']} / {m['overall']['p99_ms']}")
    line("feed pages 1–5 p99 ms", lambda m: m["feed_all_pages"]["p99_ms"])
    line("Explore p99 ms", lambda m: m["kinds"]["explore"]["p99_ms"])
    line("search posts (common/rare) p99 ms",
         lambda m: f"{m['kinds']['search_posts_common']['p99_ms']} / {m['kinds']['search_posts_rare']['p99_ms']}")
    line("post with photo p99 ms", lambda m: m["kinds"]["post_photo"]["p99_ms"])
    line("fan-out lag p99 ms", lambda m: m["fanout_lag"]["p99_ms"])
    line("worst second (answers / p99 ms)",
         lambda m: f"{m['seconds']['fewest_answers']} / {m['seconds']['worst_p99_ms']}")
    line("5xx or failed", lambda m: m["overall"]["server_errors"])
    line("CPU ms/request: web", lambda m: m["cpu_ms_per_request"]["server"])
    line("CPU ms/request: PostgreSQL", lambda m: m["cpu_ms_per_request"].get("postgres", "—"))
    line("CPU ms/request: Redis", lambda m: m["cpu_ms_per_request"].get("redis", "—"))
    line("CPU ms/request: queue worker", lambda m: m["cpu_ms_per_request"].get("worker", "—"))
    return rows


def _run(redis: dict | None, *, limit: int, entries: int) -> dict:
    return next((r for r in (redis or {}).get("runs", [])
                 if r["zset_max_listpack_entries"] == limit and r["entries"] == entries), {})


def _timeline_bytes(redis, *, limit, entries):
    return _run(redis, limit=limit, entries=entries).get("bytes_per_timeline_mean")


def _push_us(redis, *, limit, entries):
    return _run(redis, limit=limit, entries=entries).get("push_us_per_timeline_median")


def unit_costs(pg: dict, media: dict | None, redis: dict | None) -> dict:
    """The measured inputs, each with where it comes from."""
    mixed = pg["mixed_load"]
    requests = mixed["overall"]["n"]
    storage = mixed["storage"]
    added = storage["added"]
    tables = storage["after"].get("table_bytes", {})
    posts_now = storage["after"]["posts"]
    post_tables = ("posts_post", "posts_postmedia", "posts_posthashtag", "posts_comment")
    fan = pg["fanout"]["pushed_account"]
    variants = mixed.get("photo_variant_bytes", {})
    costs = {
        "web_cpu_ms_per_request": mixed["cpu_ms_per_request"]["server"],
        "postgres_cpu_ms_per_request": mixed["cpu_ms_per_request"].get("postgres"),
        "redis_cpu_ms_per_request": mixed["cpu_ms_per_request"].get("redis"),
        "worker_cpu_ms_per_request": mixed["cpu_ms_per_request"].get("worker"),
        "requests_per_visit": round(requests / mixed["visits"], 1),
        "feed_page_share": round(mixed["feed_all_pages"]["n"] / requests, 3),
        "warm_feed_read_web_cpu_ms": next((lv["server_cpu_ms_per_request"] for lv in pg.get("load", {}).get("levels", [])
                                           if lv["connections"] == 16), None),
        "fanout_us_per_row": round(fan["wall_s_median"] * 1e6 / fan["runs"][-1]["timelines_written"], 1),
        "redis_bytes_per_timeline_rebuilt": pg.get("redis_memory", {}).get("bytes_mean"),
        "redis_entries_per_timeline_rebuilt": pg.get("redis_memory", {}).get("entries_mean"),
        "redis_bytes_per_timeline_500_default": _timeline_bytes(redis, limit=128, entries=500),
        "redis_bytes_per_timeline_500_listpack": _timeline_bytes(redis, limit=1024, entries=500),
        "redis_push_us_500_default": _push_us(redis, limit=128, entries=500),
        "redis_push_us_500_listpack": _push_us(redis, limit=1024, entries=500),
        # PostgreSQL counts every statement run outside a transaction as one (autocommit), reads too.
        "postgres_transactions_per_request": round(added.get("pg_commits", 0) / max(1, requests), 2),
        "postgres_rows_written_per_request": round(added.get("pg_rows_written", 0) / max(1, requests), 2),
        "postgres_bytes_per_post": round(sum(tables.get(t, 0) for t in post_tables) / max(1, posts_now)),
        "postgres_bytes_per_like": round(tables.get("posts_like", 0) / max(1, storage["after"]["likes"])),
        "stored_bytes_per_photo": sum(variants.values()) or None,
        "card_photo_bytes": variants.get("640.webp"),
        "photo_cpu_ms_12mp": next((r["median_cpu_ms"] for r in (media or {}).get("results", [])
                                   if r["implementation"] == "pyvips" and r["malloc_arena_max"] == 2), None),
    }
    costs["sources"] = {"mixed": "bench/results/feed-postgres.json mixed_load (HTTP, PostgreSQL + Redis, 100,000 accounts)",
                        "fanout": "feed-postgres.json fanout (in-process, Redis)",
                        "redis": "feed-postgres.json redis_memory; redis-timelines.json",
                        "photo": "media.json (in-process, one core)"}
    return costs


def plan(costs: dict, daily: int) -> dict:
    """One size of instance, multiplied out."""
    requests_day = daily * VISITS_PER_DAY * costs["requests_per_visit"]
    mean_rps = requests_day / 86400
    peak_rps = mean_rps * PEAK_TO_MEAN

    def cores(ms_per_request):
        return round(peak_rps * (ms_per_request or 0) / 1000 / UTILISATION, 1)

    posts_day = daily * POSTS_PER_MEMBER_DAY
    rows_day = posts_day * FOLLOWERS_PER_POST
    fanout_cores = round(rows_day / 86400 * PEAK_TO_MEAN * costs["fanout_us_per_row"] / 1e6 / UTILISATION, 2)
    timelines = daily * TIMELINES_PER_DAILY_MEMBER
    # A timeline grows from its rebuild (REBUILD entries) to CAPACITY (500) as posts are pushed:
    # sized at 500, under Redis's default encoding and with zset-max-listpack-entries 1024.
    redis_gb = timelines * (costs["redis_bytes_per_timeline_500_default"] or 0) / 1e9
    redis_gb_listpack = timelines * (costs["redis_bytes_per_timeline_500_listpack"] or 0) / 1e9
    feed_pages_day = requests_day * costs["feed_page_share"]
    return {
        "daily_members": daily, "requests_per_day": round(requests_day), "mean_rps": round(mean_rps),
        "peak_rps": round(peak_rps),
        "web_cores": cores(costs["web_cpu_ms_per_request"]),
        "web_machines": round(cores(costs["web_cpu_ms_per_request"]) / CORES_PER_MACHINE, 1),
        "postgres_cores": cores(costs["postgres_cpu_ms_per_request"]),
        "redis_cores": cores(costs["redis_cpu_ms_per_request"]),
        "queue_worker_cores_fanout": fanout_cores,
        "queue_worker_cores_measured": cores(costs["worker_cpu_ms_per_request"]),
        "fanout_rows_per_s_peak": round(rows_day / 86400 * PEAK_TO_MEAN),
        "postgres_transactions_per_s_peak": round(peak_rps * costs["postgres_transactions_per_request"]),
        "postgres_rows_written_per_s_peak": round(peak_rps * costs["postgres_rows_written_per_request"]),
        "redis_timelines": round(timelines), "redis_timelines_gb_default": round(redis_gb, 1),
        "redis_timelines_gb_listpack_1024": round(redis_gb_listpack, 1),
        "redis_nodes_default": max(1, -(-round(redis_gb) // REDIS_NODE_GB)),
        "redis_nodes_listpack_1024": max(1, -(-round(redis_gb_listpack) // REDIS_NODE_GB)),
        "postgres_gb_per_year_posts": round(posts_day * KEEP_DAYS * costs["postgres_bytes_per_post"] / 1e9, 1),
        "photo_storage_tb_per_year": round(posts_day * KEEP_DAYS * (costs["stored_bytes_per_photo"] or 0) / 1e12, 1),
        "egress_tb_per_day": round(feed_pages_day * CARDS_PER_FEED_PAGE * (costs["card_photo_bytes"] or 0) / 1e12, 2),
        "photo_cpu_cores_peak": round(posts_day / 86400 * PEAK_TO_MEAN * (costs["photo_cpu_ms_12mp"] or 0) / 1000
                                      / UTILISATION, 1),
    }


def main() -> None:
    pg = load("feed-postgres.json")
    if not pg or "mixed_load" not in pg:
        raise SystemExit("run bench/feed.py --backend postgres first (its realistic profile is the input)")
    runs = {name: data for name, data in (
        ("PG 10k", load("feed-postgres-10k.json")), ("PG 100k", pg),
        ("SQLite 10k", load("feed-sqlite-10k.json")), ("SQLite 100k", load("feed-sqlite.json")))
        if data and "mixed_load" in data}
    print_table("How cost grows with the network (the same realistic profile, over HTTP)", side_by_side(runs))
    costs = unit_costs(pg, load("media.json"), load("redis-timelines.json"))
    print_table("Unit costs (measured)", [("input", "value")] + [(k, v) for k, v in costs.items() if k != "sources"])
    plans = [plan(costs, daily) for daily in (1_000_000, 10_000_000)]
    rows = [("for daily members", *(f"{p['daily_members']:,}" for p in plans))]
    rows += [(key, *(p[key] for p in plans)) for key in plans[0] if key != "daily_members"]
    print_table("Multiplied out (usage model in bench/scaling.py)", rows)
    out = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "code": fingerprint(),
           "model": {k: v for k, v in globals().items() if k.isupper() and k not in ("BENCH", "RESULTS")},
           "side_by_side": side_by_side(runs), "unit_costs": costs, "plans": plans}
    (RESULTS / "scaling.json").write_text(json.dumps(out, indent=2, default=str) + "\n")
    print(f"\nWrote {(RESULTS / 'scaling.json').relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
