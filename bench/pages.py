"""First loads of the main pages in a throttled phone browser: bytes, requests, LCP and CLS.

    .venv/bin/python bench/pages.py [--runs 5] [--network slow4g|lighthouse-rtt] [--output PATH]

Starts Vitrina as the README deploys it (`make setup` then `make serve`: translations, migrations,
collectstatic, avatar_variants, seed_demo, then granian over WSGI with one worker and MALLOC_ARENA_MAX=2) on a
fresh var/ directory and a free port, then loads each page in Debian's Chromium driven by
Playwright, as a phone (390x844, DPR 2, touch), every run in a new browser profile with the
cache disabled (cold cache; a member's run carries only the session cookie):

  - home feed, logged in as the demo member anna.petrova
  - the shop's public profile /coffee.corner/, as a visitor
  - Explore, as a visitor
  - a post page (coffee.corner's first post), as a visitor

Throttling is applied through the DevTools protocol: Network.emulateNetworkConditions and
Emulation.setCPUThrottlingRate 4. `slow4g` (the default) is DevTools' "Slow 4G" preset, the
values Lighthouse applies in its devtools throttling mode for mobile: 562.5 ms latency per
request (150 ms RTT x 3.75), 1.44 Mbps down (1.6 Mbps x 0.9), 675 kbps up (750 kbps x 0.9).
`lighthouse-rtt` applies Lighthouse's nominal slow-4G figures as-is (150 ms, 1.6 Mbps, 750 kbps),
a lighter load than the simulated throttling of a Lighthouse report.

Measured per load, after the network has been idle for a second (nothing is scrolled):
  - transferred bytes: encodedDataLength of Network.loadingFinished (headers and body as they
    came over the wire, compressed) summed over every request of the page
  - requests: every Network.requestWillBeSent (favicon and manifest included when fetched)
  - LCP: the last largest-contentful-paint entry (PerformanceObserver, buffered)
  - CLS: the sum of layout-shift entries without recent input
Prints the median and max of 5 runs per page (with 5 runs the p99 is the max), the machine and
the throttling, and writes bench/results/pages.json.
Targets (issue #10): home feed <= 200 KB and <= 12 requests, LCP <= 1.8 s; shop profile <= 120 KB.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))  # the harness imports itself as `harness`
sys.path.insert(0, str(ROOT))

from bench.harness.common import machine, print_table  # noqa: E402
from bench.harness.fingerprint import fingerprint  # noqa: E402
from bench.harness.processes import free_port  # noqa: E402

VENV = ROOT / ".venv" / "bin"
RESULTS = BENCH / "results" / "pages.json"
CHROMIUM = os.environ.get("VITRINA_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
MEMBER = "anna.petrova"
DEMO_PASSWORD = "vitrina-demo-2026"
CPU_SLOWDOWN = 4
# kbps are 1000 bits per second here, as DevTools counts them: bytes per second = kbps * 1000 / 8.
NETWORKS = {
    "slow4g": {"name": "DevTools 'Slow 4G' preset (Lighthouse devtools throttling, mobile)",
               "latency_ms": 562.5, "down_kbps": 1440, "up_kbps": 675},
    "lighthouse-rtt": {"name": "Lighthouse slow-4G nominal figures applied per request",
                       "latency_ms": 150, "down_kbps": 1600, "up_kbps": 750},
}
TARGETS = {"home": {"max_kb": 200, "max_requests": 12, "max_lcp_ms": 1800}, "shop_profile": {"max_kb": 120}}
IDLE_S = 1.0  # the network counts as idle after this long with no request in flight
LOAD_TIMEOUT_S = 60

# LCP and CLS from the entries the browser buffered during the load.
VITALS = """() => new Promise(resolve => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const out = {lcp_ms: null, lcp_element: null, cls: 0, fcp_ms: paint ? paint.startTime : null};
  new PerformanceObserver(list => {
    const last = list.getEntries().at(-1);
    if (!last) return;
    out.lcp_ms = last.startTime;
    const file = last.url ? ' ' + last.url.split('?')[0].split('/').pop() : '';
    out.lcp_element = last.element ? last.element.tagName + file : null;
  }).observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) out.cls += e.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(out), 100);
})"""


def log(message: str = "") -> None:
    print(message, flush=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(VENV / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def start_server(var: Path) -> tuple[subprocess.Popen, str]:
    """`make setup` and `make serve` on their own var/ and static directories."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "DEBUG")}
    env.update(VITRINA_VAR_DIR=str(var), STATIC_ROOT=str(var / "static"), DJANGO_SETTINGS_MODULE="vitrina.settings",
               MALLOC_ARENA_MAX="2")
    manage(env, "compile_translations", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "avatar_variants", "-v0")
    manage(env, "seed_demo", "-v0")
    port = free_port()
    server_log = open(var / "granian.log", "w")
    process = subprocess.Popen(
        [str(VENV / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--blocking-threads", "4", "--log-level", "warning", "vitrina.wsgi:application"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                stop_server(process)
                raise RuntimeError("granian did not start:\n" + (var / "granian.log").read_text()[-2000:])
            time.sleep(0.2)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def member_state(browser, base: str) -> dict:
    """The cookies of a logged-in demo member, got through the log-in form (not measured)."""
    context = browser.new_context(base_url=base, **PHONE)
    page = context.new_page()
    page.goto("/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.locator("input[name=username]").fill(MEMBER)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()
    page.get_by_test_id("nav-profile").wait_for()
    state = context.storage_state()
    context.close()
    return state


def load(browser, base: str, path: str, *, network: dict, state: dict | None) -> dict:
    """One cold load of path, throttled; what came over the network and the vitals."""
    context = browser.new_context(base_url=base, storage_state=state, **PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    requests: dict[str, dict] = {}
    in_flight: set[str] = set()
    last_change = [time.monotonic()]

    def sent(event):
        if event["request"]["url"].startswith("data:"):
            return
        requests.setdefault(event["requestId"], {"url": event["request"]["url"], "bytes": 0,
                                                 "start": event["timestamp"],
                                                 "priority": event["request"].get("initialPriority", "")})
        in_flight.add(event["requestId"])
        last_change[0] = time.monotonic()

    def finished(event):
        if event["requestId"] in requests:
            requests[event["requestId"]].update(bytes=event["encodedDataLength"], end=event["timestamp"])
        in_flight.discard(event["requestId"])
        last_change[0] = time.monotonic()

    def failed(event):
        if event["requestId"] in requests:
            requests[event["requestId"]]["failed"] = event.get("errorText", "failed")
        in_flight.discard(event["requestId"])
        last_change[0] = time.monotonic()

    def received(event):
        if event["requestId"] in requests:
            requests[event["requestId"]].update(status=event["response"]["status"],
                                                type=event.get("type", ""),
                                                encoding=event["response"]["headers"].get("content-encoding", ""))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    bytes_per_s = lambda kbps: kbps * 1000 / 8  # noqa: E731
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": network["latency_ms"],
        "downloadThroughput": bytes_per_s(network["down_kbps"]), "uploadThroughput": bytes_per_s(network["up_kbps"])})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    started = time.monotonic()
    page.goto(path, wait_until="load", timeout=LOAD_TIMEOUT_S * 1000)
    while in_flight or time.monotonic() - last_change[0] < IDLE_S:
        if time.monotonic() - started > LOAD_TIMEOUT_S:
            raise RuntimeError(f"{path}: the network never went idle: {[requests[r]['url'] for r in in_flight]}")
        page.wait_for_timeout(100)
    vitals = page.evaluate(VITALS)
    context.close()
    failures = [r for r in requests.values() if r.get("failed") or r.get("status", 200) >= 400]
    origin = min((r["start"] for r in requests.values()), default=0)
    if failures:
        raise RuntimeError(f"{path}: failed requests: {failures}")
    return {
        "bytes": sum(r["bytes"] for r in requests.values()),
        "requests": len(requests),
        "lcp_ms": round(vitals["lcp_ms"]) if vitals["lcp_ms"] is not None else None,
        "lcp_element": vitals["lcp_element"],
        "cls": round(vitals["cls"], 4),
        "fcp_ms": round(vitals["fcp_ms"]) if vitals["fcp_ms"] is not None else None,
        # Each request: when it was sent and finished (ms from the first), its bytes and initial priority.
        "detail": [{"url": re.sub(r"\?.*", "", r["url"].removeprefix(base)), "bytes": r["bytes"],
                    "encoding": r.get("encoding", ""), "priority": r["priority"],
                    "sent_ms": round((r["start"] - origin) * 1000),
                    "done_ms": round((r["end"] - origin) * 1000) if "end" in r else None} for r in requests.values()],
    }


def first_post_path(base: str) -> str:
    html = urllib.request.urlopen(base + "/coffee.corner/", timeout=10).read().decode()
    post_ids = sorted(int(pk) for pk in re.findall(r'href="/p/(\d+)/"', html))
    return f"/p/{post_ids[0]}/"


def summarise(runs: list[dict]) -> dict:
    def stats(key):
        values = [run[key] for run in runs if run[key] is not None]
        return {"median": statistics.median(values), "max": max(values)} if values else {"median": None, "max": None}

    return {"kb": {k: round(v / 1024, 1) for k, v in stats("bytes").items()}, "requests": stats("requests"),
            "lcp_ms": stats("lcp_ms"), "cls": stats("cls")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--network", choices=sorted(NETWORKS), default="slow4g")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary var/ directory")
    parser.add_argument("--note", default="", help="saved with the result (e.g. which code was measured)")
    args = parser.parse_args()
    if not shutil.which(CHROMIUM):
        sys.exit(f"bench/pages.py needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    network = NETWORKS[args.network]
    info, code = machine(), fingerprint()
    started = time.monotonic()
    from playwright.sync_api import sync_playwright

    var = Path(tempfile.mkdtemp(prefix="vitrina-bench-pages-"))
    log(f"setting up Vitrina in {var} (migrate, collectstatic, seed_demo) ...")
    process, base = start_server(var)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            state = member_state(browser, base)
            pages = {
                "home": ("/", state, f"home feed, logged in ({MEMBER})"),
                "shop_profile": ("/coffee.corner/", None, "shop profile /coffee.corner/, visitor"),
                "explore": ("/explore/", None, "Explore, visitor"),
                "post": (first_post_path(base), None, "a post page, visitor"),
            }
            results = {}
            for key, (path, page_state, label) in pages.items():
                log(f"{label}: {args.runs} cold loads of {path} ...")
                runs = [load(browser, base, path, network=network, state=page_state) for _ in range(args.runs)]
                results[key] = {"label": label, "path": path, **summarise(runs), "runs": runs}
            browser_version = browser.version
            browser.close()
    finally:
        stop_server(process)
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
    info["loadavg_at_end"] = os.getloadavg()

    rows = [("page", "KB median", "KB max", "requests median/max", "LCP ms median", "LCP ms max", "CLS median/max")]
    for result in results.values():
        rows.append((result["label"], result["kb"]["median"], result["kb"]["max"],
                     f"{result['requests']['median']} / {result['requests']['max']}",
                     result["lcp_ms"]["median"], result["lcp_ms"]["max"],
                     f"{result['cls']['median']} / {result['cls']['max']}"))
    home, shop = results["home"], results["shop_profile"]
    checks = {
        "home_kb": home["kb"]["max"] <= TARGETS["home"]["max_kb"],
        "home_requests": home["requests"]["max"] <= TARGETS["home"]["max_requests"],
        "home_lcp": home["lcp_ms"]["median"] is not None and home["lcp_ms"]["median"] <= TARGETS["home"]["max_lcp_ms"],
        "shop_profile_kb": shop["kb"]["max"] <= TARGETS["shop_profile"]["max_kb"],
    }
    log(f"\nmachine: {info['cpu_model']}, {info['cores']} cores, {info['ram_mb']} MB RAM; load average "
        f"{info['loadavg_at_start'][0]:.2f} at start, {info['loadavg_at_end'][0]:.2f} at end; "
        f"Chromium {browser_version}")
    log(f"throttling: {network['name']}: {network['latency_ms']} ms latency per request, {network['down_kbps']} kbps "
        f"down, {network['up_kbps']} kbps up; CPU slowed {CPU_SLOWDOWN}x (Emulation.setCPUThrottlingRate); "
        f"phone 390x844 at DPR 2; cache disabled, a new browser profile per load")
    log(f"server: granian --interface wsgi --workers 1 --blocking-threads 4, SQLite, seed_demo data; "
        f"code {code['sha256']} at {code['commit']}{' (uncommitted changes)' if code['dirty'] else ''}")
    print_table(f"First load, {args.runs} runs per page (with 5 runs, p99 = max)", rows)
    log("\ntargets: " + ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in checks.items()))
    result = {
        "benchmark": "first page loads",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "duration_s": round(time.monotonic() - started),
        "machine": info,
        "browser": f"Chromium {browser_version}, headless, {' '.join(CHROMIUM_ARGS)}",
        "device": PHONE,
        "throttling": {**network, "cpu_slowdown": CPU_SLOWDOWN},
        "server": "granian --interface wsgi --workers 1 --blocking-threads 4 (make serve), SQLite, seed_demo",
        "code": code,
        "note": args.note,
        "runs_per_page": args.runs,
        "targets": TARGETS,
        "checks": checks,
        "pages": results,
    }
    if fingerprint()["sha256"] != code["sha256"]:
        result["warning"] = "code changed during the run: the figures may belong to either version"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log(f"saved {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output} "
        f"in {result['duration_s']} s")


if __name__ == "__main__":
    main()
