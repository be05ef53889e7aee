"""Redis memory and push cost of home timelines by Redis's sorted-set encoding (docs/scaling.md).

    .venv/bin/python bench/redis_timelines.py

Starts a Redis server of its own on a free port (never touches one already running), fills
TIMELINES timelines shaped as vitrina.timeline.store writes them (members "post_id:author_id",
score post_id, plus the completeness marker) at 100 and 500 entries, with Redis's default
`zset-max-listpack-entries 128` and with 1024, and measures MEMORY USAGE per timeline and the
fan-out push (the store's own Lua script, over 1,000 timelines at a time) in microseconds per
timeline. Prints a table and writes bench/results/redis-timelines.json.
"""

import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from harness.common import machine, print_table  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402

TIMELINES = 2000
SIZES = (100, 500)
LISTPACK_LIMITS = ("128", "1024")  # Redis's default, and one that keeps a full timeline a listpack
RESULTS = BENCH / "results" / "redis-timelines.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    import redis

    from vitrina.timeline import store

    folder = Path(tempfile.mkdtemp(prefix="redis-timelines-"))
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", str(folder)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    push = client.register_script(store._PUSH)
    rows, out = [], {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
                     "measurement": "in-process against a Redis server of its own on 127.0.0.1",
                     "redis": client.info("server")["redis_version"], "code": fingerprint(),
                     "timelines": TIMELINES, "runs": []}
    try:
        for limit in LISTPACK_LIMITS:
            client.config_set("zset-max-listpack-entries", limit)
            for size in SIZES:
                client.flushall()
                pipe = client.pipeline(transaction=False)
                for owner in range(TIMELINES):
                    first = 9_000_000 + owner * 7
                    entries = {f"{first + i * 41}:{(owner * 31 + i) % 100_000}": first + i * 41 for i in range(size)}
                    pipe.zadd(f"bench:tl:{owner}", {store._COMPLETE: 0, **entries})
                pipe.execute()
                used = [client.memory_usage(f"bench:tl:{owner}") for owner in range(TIMELINES)]
                keys = [f"bench:tl:{owner}" for owner in range(1000)]
                timings = []
                for n in range(20):  # new posts, each pushed into 1,000 timelines (capped at store.CAPACITY)
                    post_id = 20_000_000 + n
                    t = time.perf_counter()
                    push(keys=keys, args=[post_id, f"{post_id}:1", store.CAPACITY])
                    timings.append((time.perf_counter() - t) / len(keys) * 1e6)
                run = {"zset_max_listpack_entries": int(limit), "entries": size,
                       "encoding": client.object("encoding", "bench:tl:0").decode(),
                       "bytes_per_timeline_mean": round(statistics.fmean(used)),
                       "bytes_per_entry": round(statistics.fmean(used) / (size + 1), 1),
                       "push_us_per_timeline_median": round(statistics.median(timings), 2),
                       "used_memory_mb": round(client.info("memory")["used_memory"] / 2**20, 1)}
                out["runs"].append(run)
                rows.append((limit, size, run["encoding"], f"{run['bytes_per_timeline_mean'] / 1024:.1f}",
                             run["bytes_per_entry"], run["push_us_per_timeline_median"]))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)
    print_table(f"Redis timelines ({TIMELINES} per run, Redis {out['redis']})",
                [("zset-max-listpack-entries", "entries", "encoding", "KB per timeline", "bytes per entry",
                  "push µs per timeline")] + rows)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nWrote {RESULTS.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    django.setup()
    main()
