"""Paths, figures and tables shared by the feed benchmark's phases."""

import os
import platform
import re
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
VENV = ROOT / ".venv" / "bin"
BASE = Path("/tmp/vitrina-bench")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = os.environ.get("BENCH_PG_DB", "vitrina_bench")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
API = "/api/vitrina/v1"
FEED = f"{API}/feed"
PROBE_CAPTION = "bench fan-out probe"
TOKEN_NAME = "bench"


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
            "platform": platform.platform(), "loadavg_at_start": os.getloadavg(),
            "argv": " ".join(sys.argv)}

