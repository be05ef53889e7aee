"""Phase 4: the hot profile: page 1 of the home feed over HTTP (granian + wrk) for the members whose timelines the
first phase built, read-only, with their token and activity timestamps touched beforehand. A best case by
design; bench/phases/mixed_load.py is the realistic profile."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.common import BASE, FEED, ROOT, TOKEN_NAME, VENV, log
from harness.processes import cpu_seconds, free_port, process_tree, vm, wait_ready

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


