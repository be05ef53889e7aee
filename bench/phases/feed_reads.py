"""Phase 1: the home feed read in-process through django.test.Client (cold first reads, warm reads, and where
the time of a warm read goes: SQL grouped by shape with EXPLAIN, and a cProfile of the Python)."""

import random
import re
import statistics
import time

from harness.common import FEED, ROOT, log, summary_ms


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




CPU_TIMES: list[float] = []  # thread CPU seconds of each request made through get()


def get(client, path: str, token: str, params: dict | None = None):
    t, c = time.perf_counter(), time.thread_time()
    response = client.get(path, params or {}, headers={"Authorization": f"Bearer {token}"})
    CPU_TIMES.append(time.thread_time() - c)
    return response, time.perf_counter() - t

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


