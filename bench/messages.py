"""Live messages benchmark: WebSocket connections held by the ASGI server, messages sent over the API and
received on the recipients' sockets.

    .venv/bin/python bench/messages.py --layer memory|redis|both [--sockets 1000] [--conversations 100]
                                       [--rate 200] [--seconds 20] [--likes 1000]

Each layer gets a fresh PostgreSQL database (--pg-db, dropped and created again), migrated and filled outside
the timed part: --sockets accounts with bearer tokens (in bulk), and --conversations one-to-one conversations
between the first 2 × --conversations of them, who follow each other (through the services). Then the servers
start as `make run` starts them: granian WSGI for the API (`--blocking-threads 4`) and granian ASGI for /ws, plus,
with Redis, one RQ worker (scripts/worker.sh), which runs the outbox's live consumer:

  memory: no REDIS_URL: the in-memory channel layer; the ASGI process reads the outbox itself; 1 WSGI worker.
  redis:  REDIS_URL (--redis-url, flushed): channels-redis; tasks on the RQ worker; 2 WSGI workers.

A receiver process opens one socket per account (bearer token) and reports how many it holds; the sender
then posts `POST /api/vitrina/v1/conversations/{id}/messages` at --rate messages/s for --seconds (the two members
of each conversation take turns; 16 keep-alive connections). Send-to-receipt latency: from just before the POST
to the `message.new` event on the recipient's socket (the clocks are the same machine's). Printed: sockets held,
messages sent and received, messages/s received, latency p50/p99, the servers' RSS.

Then the choice of server for pages: the same API reads (8 connections, 8 s each) served by the WSGI server
and by the ASGI one, answers/s and p99 (both with --blocking-threads/default threads as above).

Then, in-process: one post liked by --likes accounts (their events written, delivery held back), then the
outbox delivered at once: the time it takes and that the author has exactly one notification row for the
post, counting them all.

Results: bench/results/messages-<layer>.json; with --layer both each layer runs in its own process.
"""

import argparse
import asyncio
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from harness.common import API, BASE, PG_ADMIN, VENV, log, machine, pct, print_table, verdict  # noqa: E402
from harness.dataset import apply_env  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402
from harness.processes import free_port, process_tree, vm  # noqa: E402
from phases.mixed_load import server_env, start, stop  # noqa: E402

TARGETS = {"p99_ms": 200, "messages_per_s": 200}
PASSWORD = "bench-password-not-secret"
ORIGIN = "http://127.0.0.1"


# --- setup ---------------------------------------------------------------------------------------------

def fresh_database(env: dict, args) -> None:
    import shutil

    import psycopg
    import redis

    shutil.rmtree(env["VITRINA_VAR_DIR"], ignore_errors=True)
    Path(env["VITRINA_VAR_DIR"]).mkdir(parents=True)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.pg_db}"')
    redis.Redis.from_url(args.redis_url).flushdb()
    child = {k: v for k, v in {**os.environ, **env}.items() if v != ""}
    subprocess.run([str(VENV / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=child)


def make_accounts(n: int) -> list:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from vitrina.accounts.models import ApiToken, User

    password = make_password(PASSWORD)
    User.objects.bulk_create([User(username=f"m{i}", email=f"m{i}@bench.example", password=password,
                                   account_type="personal") for i in range(n)], batch_size=500)
    users = list(User.objects.filter(username__startswith="m").order_by("pk"))
    keys = [ApiToken.new_key() for _ in users]
    ApiToken.objects.bulk_create([ApiToken(user=u, key_hash=ApiToken.hash(k), name="bench", last_used_at=timezone.now())
                                  for u, k in zip(users, keys)], batch_size=500)
    return list(zip(users, keys))


def setup(args) -> dict:
    from vitrina.messaging.services import conversation_start
    from vitrina.social.services import follow_create

    t = time.perf_counter()
    accounts = make_accounts(args.sockets)
    pairs = []
    for i in range(args.conversations):
        (a, a_key), (b, b_key) = accounts[2 * i], accounts[2 * i + 1]
        follow_create(follower=a, target=b)
        follow_create(follower=b, target=a)
        conversation, _created = conversation_start(starter=a, usernames=[b.username])
        pairs.append((conversation.pk, (a.pk, a_key), (b.pk, b_key)))
    log(f"  setup: {len(accounts)} accounts, {len(pairs)} conversations in {time.perf_counter() - t:.1f} s")
    return {"tokens": [key for _u, key in accounts], "pairs": pairs}


# --- the receiver (a process of its own: 1,000 sockets in one asyncio loop) -----------------------------

async def receive_all(port: int, tokens: list[str], out: Path) -> None:
    import websockets

    received: list[tuple[int, float]] = []

    async def hold(token):
        try:
            socket = await websockets.connect(f"ws://127.0.0.1:{port}/ws", open_timeout=30, ping_interval=None,
                                              additional_headers={"Authorization": f"Bearer {token}"})
        except Exception:  # noqa: BLE001 - counted as not held
            return None
        return socket

    sockets = []
    for start_at in range(0, len(tokens), 100):  # in batches: a thousand handshakes at once is a SYN flood
        sockets += await asyncio.gather(*(hold(t) for t in tokens[start_at:start_at + 100]))
    held = [s for s in sockets if s is not None]
    print(f"HELD {len(held)}", flush=True)

    async def listen(socket):
        try:
            async for text in socket:
                now = time.time()
                event = json.loads(text)
                if event.get("type") == "message.new":
                    received.append((event["data"]["message"], event["data"]["user"], now))
        except Exception:  # noqa: BLE001 - a closed socket ends its listener
            pass

    tasks = [asyncio.ensure_future(listen(s)) for s in held]
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the sender closes our stdin
    out.write_text(json.dumps({"held": len(held), "received": received}))
    for task in tasks:
        task.cancel()


# --- the sender -------------------------------------------------------------------------------------------

def send_all(port: int, pairs: list, rate: float, seconds: float, threads: int = 16) -> list:
    """(message id, sender id, sent at) for each message posted, paced to `rate` per second overall."""
    total = int(rate * seconds)
    jobs = []
    for n in range(total):
        conversation, a, b = pairs[n % len(pairs)]
        sender = a if (n // len(pairs)) % 2 == 0 else b
        jobs.append((n / rate, conversation, sender))
    sent, failures = [], []
    lock = threading.Lock()
    todo = iter(jobs)
    t0 = time.time() + 1.0

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                job = next(todo, None)
            if job is None:
                break
            offset, conversation, (user_id, key) = job
            wait = t0 + offset - time.time()
            if wait > 0:
                time.sleep(wait)
            body = json.dumps({"text": f"bench message at {offset:.3f}"})
            at = time.time()
            try:
                conn.request("POST", f"{API}/conversations/{conversation}/messages", body=body, headers={
                    "Authorization": f"Bearer {key}", "Content-Type": "application/json"})
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                failures.append(str(exc))
                continue
            if response.status != 201:
                failures.append(f"{response.status} {data[:200]!r}")
                continue
            with lock:
                sent.append((json.loads(data)["id"], user_id, at, time.time()))
        conn.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sent, failures


# --- the serving choice ----------------------------------------------------------------------------------

def serve_rate(port: int, token: str, path: str, seconds: float = 8, threads: int = 8) -> dict:
    """GET `path` as fast as `threads` keep-alive connections go for `seconds`: answers/s and p50/p99."""
    latencies, statuses = [], {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop_at:
            t = time.perf_counter()
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - t, response.status))
        conn.close()
        with lock:
            for latency, status in mine:
                latencies.append(latency * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"answers_per_s": round(len(latencies) / seconds, 1), "p50_ms": round(pct(latencies, 50), 2),
            "p99_ms": round(pct(latencies, 99), 2), "statuses": statuses}


# --- fan-out ---------------------------------------------------------------------------------------------

def fan_out(likes: int) -> dict:
    from vitrina.demo.management.commands.seed_demo import photo_upload
    from vitrina.events import dispatch
    from vitrina.notifications.models import Notification
    from vitrina.posts.services import like_create, post_create

    from vitrina.accounts.models import User

    users = list(User.objects.filter(username__startswith="m").order_by("pk")[:likes + 1])
    author, likers = users[0], users[1:]
    from django.test import override_settings

    post = post_create(author=author, uploads=[photo_upload("coffee.png", (0, 0, 1, 1))], caption="fan-out probe")
    dispatch.deliver()  # what setup left
    # The likes write their events; delivery waits (no consumer is woken), then takes them all at once.
    t = time.perf_counter()
    with override_settings(EVENT_CONSUMERS={}):
        for user in likers:
            like_create(user=user, post=post)
    liked_s = time.perf_counter() - t
    dispatch.consumers.cache_clear()
    t = time.perf_counter()
    applied = dispatch.deliver()
    deliver_s = time.perf_counter() - t
    rows = list(Notification.objects.filter(recipient=author, subject_type="post", subject_id=post.pk))
    return {"likes": len(likers), "like_writes_s": round(liked_s, 2), "deliver_s": round(deliver_s, 3),
            "events_applied": applied, "notification_rows": len(rows), "count": rows[0].count if rows else 0,
            "one_row": len(rows) == 1 and rows[0].count == len(likers)}


# --- the run ---------------------------------------------------------------------------------------------

def run_layer(layer: str, args) -> dict:
    env = {"DJANGO_SETTINGS_MODULE": "vitrina.settings", "VITRINA_VAR_DIR": str(BASE / f"messages-{layer}"),
           "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR",
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.pg_db}",
           "REDIS_URL": args.redis_url if layer == "redis" else "",
           # The bench's senders write far faster than a person: the per-account limits must not answer.
           "RATE_LIMIT_MESSAGES": "1000000/60", "RATE_LIMIT_LIKES": "1000000/60"}
    log(f"\n== {layer}: fresh database, migrate, setup ...")
    fresh_database(env, args)
    apply_env(env)
    import django

    django.setup()
    from django.db import connection

    plan = setup(args)
    connection.close()

    web_port, live_port = free_port(), free_port()
    environment = {**server_env(env), "LIVE_PORT": str(live_port)}
    work = BASE / f"messages-{layer}" / "run"
    work.mkdir(parents=True, exist_ok=True)
    web_workers = 2 if layer == "redis" else 1
    processes = {
        "web": start([str(VENV / "granian"), "--interface", "wsgi", "--workers", str(web_workers), "--blocking-threads",
                      "4", "--host", "127.0.0.1", "--port", str(web_port), "vitrina.wsgi:application"],
                     environment, work / "web.log"),
        "live": start([str(VENV / "granian"), "--interface", "asgi", "--workers", "1", "--host", "127.0.0.1",
                       "--port", str(live_port), "vitrina.asgi:application"], environment, work / "live.log"),
    }
    if layer == "redis":
        processes["worker"] = start(["bash", "scripts/worker.sh"], {**environment, "PY": str(VENV / "python")},
                                    work / "worker.log")
    results = {"benchmark": "messages", "layer": layer, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
               "machine": machine(), "sources": fingerprint(), "targets": TARGETS,
               "servers": f"granian wsgi ×{web_workers} (API), granian asgi ×1 (/ws)"
                          + (", 1 RQ worker" if layer == "redis" else ""),
               "sockets_asked": args.sockets, "conversations": args.conversations, "rate": args.rate,
               "seconds": args.seconds}
    try:
        time.sleep(4)  # both servers up
        out = work / "received.json"
        receiver = subprocess.Popen([str(VENV / "python"), __file__, "--receiver", str(live_port), str(out)],
                                    cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)})
        receiver.stdin.write(json.dumps(plan["tokens"]) + "\n")
        receiver.stdin.flush()
        line = receiver.stdout.readline()
        held = int(line.split()[1]) if line.startswith("HELD") else 0
        log(f"  sockets held: {held} of {args.sockets}")
        rss_before = {name: sum(vm(pid, "VmRSS") or 0 for pid in [p.pid] + process_tree(p.pid))
                      for name, p in processes.items()}
        t = time.time()
        sent, failures = send_all(web_port, plan["pairs"], args.rate, args.seconds)
        send_wall = time.time() - t
        time.sleep(3)  # the last ones arrive
        rss = {name: sum(vm(pid, "VmRSS") or 0 for pid in [p.pid] + process_tree(p.pid))
               for name, p in processes.items()}
        receiver.stdin.close()
        receiver.wait(60)
        got = json.loads(out.read_text())
        # Why pages stay on WSGI: the same request through each server (one process each, sockets closed).
        probe = plan["tokens"][0]
        serving = {name: {"wsgi": serve_rate(web_port, probe, path), "asgi": serve_rate(live_port, probe, path)}
                   for name, path in (("GET /api/vitrina/v1/me", f"{API}/me"),
                                      ("GET /api/vitrina/v1/conversations", f"{API}/conversations"))}
        log(f"  serving: {serving}")
    finally:
        for process in processes.values():
            stop(process)
    sent_at = {mid: (sender, at) for mid, sender, at, _done in sent}
    latencies, received_ids = [], set()
    for mid, _user, at in got["received"]:
        if mid in sent_at and mid not in received_ids:
            received_ids.add(mid)
            latencies.append((at - sent_at[mid][1]) * 1000)
    receipts = [at for mid, _u, at in got["received"] if mid in sent_at]
    first, last_receipt = min(receipts, default=0), max(receipts, default=0)
    results.update({
        "sockets_held": held, "sent": len(sent), "send_failures": len(failures), "failure_sample": failures[:5],
        "received": len(received_ids), "send_wall_s": round(send_wall, 2),
        "received_per_s": round(len(received_ids) / max(0.001, last_receipt - first), 1),
        "latency_p50_ms": round(pct(latencies, 50), 1), "latency_p99_ms": round(pct(latencies, 99), 1),
        "latency_max_ms": round(max(latencies), 1) if latencies else None,
        "rss_mb": rss, "rss_mb_before_sending": rss_before, "serving": serving,
    })
    log(f"  sent {len(sent)} ({len(failures)} failed), received {len(received_ids)}, "
        f"p50 {results['latency_p50_ms']} ms, p99 {results['latency_p99_ms']} ms")
    apply_env(env)
    results["fan_out"] = fan_out(args.likes)
    log(f"  fan-out: {results['fan_out']}")
    return results


def rows_of(r: dict) -> list[tuple]:
    t = r["targets"]
    f = r["fan_out"]
    return [
        ("sockets held", f"{r['sockets_held']} of {r['sockets_asked']}", "", ""),
        ("messages sent / received", f"{r['sent']} / {r['received']} ({r['send_failures']} failed)", "all",
         verdict(r["sent"] == r["received"] and not r["send_failures"])),
        ("messages/s received", r["received_per_s"], f"≥ {t['messages_per_s']}",
         verdict(r["received_per_s"] >= t["messages_per_s"])),
        ("send-to-receipt p50 / p99 ms", f"{r['latency_p50_ms']} / {r['latency_p99_ms']}", f"p99 ≤ {t['p99_ms']}",
         verdict(r["latency_p99_ms"] <= t["p99_ms"])),
        ("server RSS MB (web, live, worker)", ", ".join(f"{k} {v}" for k, v in r["rss_mb"].items()), "", ""),
        *[(f"{name}: WSGI / ASGI answers/s", f"{v['wsgi']['answers_per_s']} / {v['asgi']['answers_per_s']} "
           f"(p99 {v['wsgi']['p99_ms']} / {v['asgi']['p99_ms']} ms)", "", "") for name, v in r["serving"].items()],
        (f"fan-out: 1 post liked by {f['likes']}", f"{f['notification_rows']} row, count {f['count']}, "
                                                   f"delivered in {f['deliver_s']} s", "1 row",
         verdict(f["one_row"])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", choices=("memory", "redis", "both"), default="both")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--rate", type=float, default=200, help="messages per second sent")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--likes", type=int, default=1000)
    parser.add_argument("--pg-db", default="vitrina_bench_messages")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--receiver", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        tokens = json.loads(sys.stdin.readline())
        asyncio.run(receive_all(int(args.receiver[0]), tokens, Path(args.receiver[1])))
        return
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    layers = ("memory", "redis") if args.layer == "both" else (args.layer,)
    if len(layers) > 1:
        done = {}
        for layer in layers:
            argv, skip = [], False
            for a in sys.argv[1:]:  # every argument but --layer and its value
                if skip or a.startswith("--layer"):
                    skip = a == "--layer"
                    continue
                argv.append(a)
            subprocess.run([str(VENV / "python"), __file__, *argv, f"--layer={layer}"], cwd=ROOT)
            path = results_dir / f"messages-{layer}.json"
            if path.exists():
                done[layer] = json.loads(path.read_text())
        if done:
            rows = [("measure", *done, "target", "result (redis)")]
            per = {layer: rows_of(r) for layer, r in done.items()}
            first = next(iter(per.values()))
            for i, row in enumerate(first):
                rows.append((row[0], *(per[layer][i][1] for layer in done), row[2],
                             per.get("redis", first)[i][3]))
            m = next(iter(done.values()))["machine"]
            print_table(f"Live messages benchmark ({m['cpu_model']}, {m['cores']} cores)", rows)
        return
    results = run_layer(layers[0], args)
    path = results_dir / f"messages-{layers[0]}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    m = results["machine"]
    print_table(f"Live messages benchmark — {layers[0]} layer ({m['cpu_model']}, {m['cores']} cores)",
                [("measure", "figure", "target", "result")] + rows_of(results))
    log(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
