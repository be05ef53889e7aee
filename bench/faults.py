"""Fault drill: restart PostgreSQL, then stop and restart Redis, under load; nothing acknowledged is lost.

Run by hand (not part of `make test`); it needs PostgreSQL's server binaries
(/usr/lib/postgresql/*/bin) and redis-server, and touches no server already running:

    .venv/bin/python bench/faults.py            # about two minutes
    .venv/bin/python bench/faults.py --keep     # keep the temp dir (logs, data) for a look

It starts its OWN PostgreSQL (initdb in a temp dir, a free port; as the postgres user
when run as root) and its OWN redis-server (a free port, append-only file on, as in
production), migrates, and runs Vitrina under granian (2 WSGI workers) with an RQ
worker, as a production set-up does. A few threads then send a bounded load over HTTP
to 127.0.0.1: home feed reads, post writes with a photo, likes and comments.

Phase A stops PostgreSQL as in a crash (`pg_ctl stop -m immediate`) under that load,
with the task worker a little behind, and starts it again (recovering from its WAL).
The app must recover by itself (its connections are health checked:
conn_health_checks), answer 503 with Retry-After meanwhile, and every post, like and
comment that was acknowledged must exist afterwards and every post be in its author's
followers' home feeds; the drill prints how long requests failed.

Phase B stops Redis (cache, sessions, timelines and the task queue) for a while and
brings it back (with its data, or empty with --redis-loses-data). Likes, comments and
posts written while it was down must be stored, and every post must be in its
author's followers' home feeds once Redis is back.

What earlier runs found, fixed with a test each: 500s with tracebacks while the
database restarted (now 503, tests/test_database_outage.py); fan-outs that failed their
three immediate retries during the restart (now spread over a minute on a worker) and
a post fanned out during a timeline rebuild (tests/test_feed.py); an RQ worker that
quit when Redis went away mid-job (scripts/worker.sh, tests/test_worker.py).

Figures go to bench/results/faults.json and a table is printed.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from urllib.parse import quote

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness.common import machine  # noqa: E402
from harness.fingerprint import fingerprint  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results" / "faults.json"
PHOTO = ROOT / "tests" / "data" / "photos" / "Nikon_D70.jpg"
API = "/api/vitrina/v1"


def log(msg: str = "") -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the servers of the drill ---------------------------------------------------------------------

class Postgres:
    """A throw-away PostgreSQL cluster in `base`, on its own port and socket directory."""

    def __init__(self, base: Path):
        bins = sorted(glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
        if not bins:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(bins[-1])
        self.base, self.data, self.port = base, base / "pgdata", free_port()
        self.as_postgres = os.geteuid() == 0  # initdb and postgres refuse to run as root
        if self.as_postgres:
            shutil.chown(base, "postgres", "postgres")

    def _run(self, *args: str, check=True, timeout=120) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/vitrina"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "vitrina")

    def _options(self) -> str:
        return f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=100"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.base / "postgres.log"),
                  "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        # immediate: no clean shutdown; the next start recovers from the WAL as after a crash.
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)


class Redis:
    def __init__(self, base: Path):
        self.dir, self.port, self.process = base / "redis", free_port(), None
        self.dir.mkdir()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--logfile", "redis.log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def command(self, *words: str) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall((" ".join(words) + "\r\n").encode())
            return s.recv(4096)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis writes its append-only file and exits
            self.process.wait(timeout=20)


class Vitrina:
    """granian (2 WSGI workers) and an RQ worker, pointed at the drill's PostgreSQL and Redis."""

    def __init__(self, base: Path, pg: Postgres, redis: Redis, extra_env: dict):
        self.base, self.port = base, free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
        env.update({
            "DATABASE_URL": pg.url, "REDIS_URL": redis.url, "VITRINA_VAR_DIR": str(base / "var"),
            "MEDIA_ROOT": str(base / "var" / "media"), "SECRET_KEY": "fault-drill-" + uuid.uuid4().hex * 2,
            "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "0", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
            "STATIC_ROOT": str(base / "static"), "MALLOC_ARENA_MAX": "2", "CACHE_KEY_PREFIX": "drill",
        })
        env.update(extra_env)
        self.env, self.processes = env, {}

    def manage(self, *args: str, timeout=300) -> str:
        result = subprocess.run([str(VENV / "python"), "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def _spawn(self, name: str, cmd: list[str]) -> None:
        out = open(self.base / f"{name}.log", "w")
        self.processes[name] = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                                start_new_session=True)

    def start(self) -> None:
        self._spawn("granian", [str(VENV / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port",
                                str(self.port), "--workers", "2", "--blocking-threads", "4", "--log-level",
                                "warning", "vitrina.wsgi:application"])
        self._spawn("rqworker", ["bash", "scripts/worker.sh"])  # as `make worker` runs it
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", f"{API}/openapi.json")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"granian did not answer; see {self.base / 'granian.log'}")

    def worker_pids(self) -> list[int]:
        """granian's own process and its workers (a restart of any would change this list)."""
        main = self.processes["granian"].pid
        children = Path(f"/proc/{main}/task/{main}/children")
        return [main] + (sorted(int(p) for p in children.read_text().split()) if children.exists() else [])

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


SETUP = """
import json
from django.utils import timezone
from vitrina.accounts import services as accounts
from vitrina.accounts.models import User
from vitrina.social.services import follow_create
members = [accounts.user_signup(username=f"drill{i}", email=f"drill{i}@example.com", password="drill passphrase 42",
                                account_type="personal") for i in range(MEMBERS)]
for i, member in enumerate(members):
    for step in (1, 2, 3, 5, 8):
        follow_create(follower=member, target=members[(i + step) % len(members)])
User.objects.update(last_active_at=timezone.now())
print(json.dumps({m.username: accounts.token_issue(user=m) for m in members}))
"""


# --- the load -------------------------------------------------------------------------------------

@dataclass
class Request:
    kind: str
    start: float
    end: float
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    member: str
    detail: str = ""
    obj: int | None = None  # the post or comment id a write answered with


@dataclass
class Load:
    port: int
    tokens: dict[str, str]
    log: list[Request] = field(default_factory=list)
    posts: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _send(self, conn, method, path, token, body=None, content_type=None):
        headers = {"Authorization": f"Bearer {token}"}
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, API + path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()

    def _one(self, conn, kind, member, method, path, body=None, content_type=None):
        start = time.monotonic()
        for retry in (True, False):
            try:
                status, data = self._send(conn, method, path, self.tokens[member], body, content_type)
                detail = "" if status < 400 else data[:200].decode(errors="replace")
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected) as exc:
                # The server closed a kept-alive connection; as browsers do, send once more on a new one.
                status, data, detail = 0, b"", f"{type(exc).__name__}: {exc}"
                conn.close()
                if not retry:
                    break
            except (OSError, http.client.HTTPException) as exc:
                status, data, detail = 0, b"", f"{type(exc).__name__}: {exc}"
                conn.close()
                break
        request = Request(kind, start, time.monotonic(), status, member, detail)
        if status in (200, 201) and kind in ("post", "comment"):
            request.obj = json.loads(data)["id"]
        if status == 201 and kind == "post":
            self.posts.append(request.obj)
        self.log.append(request)
        return request

    def reader(self, seed: int) -> None:
        rng, conn = random.Random(seed), http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set():
            self._one(conn, "feed", rng.choice(list(self.tokens)), "GET", "/feed?limit=20")
            self.stop.wait(0.05)

    def poster(self, seed: int) -> None:
        rng, conn = random.Random(seed), http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        photo = PHOTO.read_bytes()
        while not self.stop.is_set():
            boundary = uuid.uuid4().hex
            caption = f"drill #faults {uuid.uuid4().hex[:8]}"
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n{caption}\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"p.jpg\"\r\n"
                    f"Content-Type: image/jpeg\r\n\r\n").encode() + photo + f"\r\n--{boundary}--\r\n".encode()
            self._one(conn, "post", rng.choice(list(self.tokens)), "POST", "/posts", body,
                      f"multipart/form-data; boundary={boundary}")
            self.stop.wait(0.4)

    def engager(self, seed: int) -> None:
        rng, conn = random.Random(seed), http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set():
            if not self.posts:
                self.stop.wait(0.1)
                continue
            post, member = rng.choice(self.posts[-50:]), rng.choice(list(self.tokens))
            request = self._one(conn, "like", member, "POST", f"/posts/{post}/like")
            request.obj = post
            self._one(conn, "comment", member, "POST", f"/posts/{post}/comments",
                      json.dumps({"text": f"drill comment {uuid.uuid4().hex[:6]}"}), "application/json")
            self.stop.wait(0.1)

    def run(self):
        threads = [threading.Thread(target=self.reader, args=(i,)) for i in range(3)]
        threads += [threading.Thread(target=self.poster, args=(10,)),
                    threading.Thread(target=self.engager, args=(20,)), threading.Thread(target=self.engager, args=(21,))]
        for thread in threads:
            thread.start()
        return threads

    def finish(self, threads) -> None:
        self.stop.set()
        for thread in threads:
            thread.join(timeout=60)


def phase_load(load: Load, fault, *, before: float, during: float, after: float) -> dict:
    """Load for `before` s, then fault(), the load going on through `during` and `after` seconds."""
    load.log.clear()
    load.stop.clear()
    t0 = time.monotonic()
    threads = load.run()
    time.sleep(before)
    marks = fault(during)
    time.sleep(after)
    load.finish(threads)
    return {"t0": t0, "end": time.monotonic(), **marks}


def error_figures(requests: list[Request], t0: float) -> dict:
    failed = [r for r in requests if not 200 <= r.status < 300]
    by_kind = {}
    for r in requests:
        row = by_kind.setdefault(r.kind, {"requests": 0, "failed": 0})
        row["requests"] += 1
        row["failed"] += not 200 <= r.status < 300
    samples = {}
    for r in failed:
        samples.setdefault(f"{r.kind} {r.status}", r.detail[:160])
    return {
        "requests": len(requests), "failed": len(failed), "by_kind": by_kind,
        "first_error_s": round(min(r.start for r in failed) - t0, 2) if failed else None,
        "last_error_s": round(max(r.end for r in failed) - t0, 2) if failed else None,
        "error_seconds": round(max(r.end for r in failed) - min(r.start for r in failed), 2) if failed else 0.0,
        "error_samples": samples,
    }


# --- checks after each phase ---------------------------------------------------------------------

def stored(pg_url: str, requests: list[Request]) -> dict:
    """Every write that answered 2xx, looked up in the database."""
    posts = [r.obj for r in requests if r.kind == "post" and r.status == 201]
    comments = [r.obj for r in requests if r.kind == "comment" and r.status == 201]
    likes = {(r.member, r.obj) for r in requests if r.kind == "like" and r.status == 200}
    with psycopg.connect(pg_url) as conn:
        found_posts = {row[0] for row in conn.execute("SELECT id FROM posts_post WHERE id = ANY(%s)", [posts])}
        found_comments = {row[0] for row in conn.execute("SELECT id FROM posts_comment WHERE id = ANY(%s)",
                                                         [comments])}
        found_likes = {(u, p) for u, p in conn.execute(
            "SELECT u.username, l.post_id FROM posts_like l JOIN accounts_user u ON u.id = l.user_id"
            " WHERE l.post_id = ANY(%s)", [[p for _u, p in likes]])}
        counters = conn.execute(
            "SELECT count(*) FROM posts_post p WHERE like_count <> (SELECT count(*) FROM posts_like l"
            " WHERE l.post_id = p.id) OR comment_count <> (SELECT count(*) FROM posts_comment c"
            " WHERE c.post_id = p.id)").fetchone()[0]
    return {
        "posts_acknowledged": len(posts), "posts_missing": sorted(set(posts) - found_posts),
        "comments_acknowledged": len(comments), "comments_missing": sorted(set(comments) - found_comments),
        "likes_acknowledged": len(likes), "likes_missing": len(likes - found_likes),
        "posts_with_wrong_counters": counters,
    }


def in_feeds(load: Load, requests: list[Request], followers_of: dict[str, list[str]]) -> dict:
    """Each acknowledged post must be in the home feed of every follower of its author."""
    wanted = {}
    for r in requests:
        if r.kind == "post" and r.status == 201:
            for follower in followers_of[r.member]:
                wanted.setdefault(follower, set()).add(r.obj)
    conn = http.client.HTTPConnection("127.0.0.1", load.port, timeout=30)
    missing, checked = {}, 0
    for member, posts in wanted.items():
        seen, cursor = set(), None
        oldest = min(posts)
        while True:
            path = "/feed?limit=100" + (f"&cursor={quote(cursor)}" if cursor else "")
            status, data = load._send(conn, "GET", path, load.tokens[member])
            if status != 200:
                missing[member] = f"feed answered {status}"
                break
            page = json.loads(data)
            seen |= {p["id"] for p in page["items"]}
            cursor = page["next_cursor"]
            if not cursor or (page["items"] and page["items"][-1]["id"] < oldest):
                break
        checked += len(posts)
        if posts - seen and member not in missing:
            missing[member] = sorted(posts - seen)
    return {"feed_entries_checked": checked, "feeds_missing_posts": missing}


def queue_drained(redis: Redis, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if redis.command("LLEN", "rq:queue:default").strip() == b":0":
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


# --- the drill -----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=24)
    parser.add_argument("--before", type=float, default=6, help="seconds of load before each fault")
    parser.add_argument("--pg-down", type=float, default=3, help="seconds PostgreSQL stays stopped (then recovers)")
    parser.add_argument("--backlog", type=float, default=1.5, help="seconds the task worker lags behind at the crash")
    parser.add_argument("--outage", type=float, default=10, help="seconds Redis stays down")
    parser.add_argument("--redis-loses-data", action="store_true",
                        help="Redis comes back empty (its append-only file gone) instead of with its data")
    parser.add_argument("--after", type=float, default=12, help="seconds of load after each fault ends")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra setting for Vitrina (e.g. a higher write rate limit)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with logs and data")
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)

    base = Path(tempfile.mkdtemp(prefix="vitrina-faults-"))
    base.chmod(0o755)
    pg, redis = Postgres(base), Redis(base)
    app = Vitrina(base, pg, redis, extra_env)
    results = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "measurement": "over HTTP: granian x 2 workers, 1 RQ worker, PostgreSQL and Redis of its own",
               "machine": {**machine(), "postgres": pg.bin.parent.name}, "code": fingerprint(),
               "settings": vars(args)}
    try:
        log(f"PostgreSQL {pg.bin.parent.name} on :{pg.port}, Redis on :{redis.port}, Vitrina on :{app.port} "
            f"(temp dir {base})")
        pg.init()
        redis.start()
        app.manage("migrate", "--noinput", "-v0")
        tokens = json.loads(app.manage("shell", "-c", SETUP.replace("MEMBERS", str(args.members))).strip().splitlines()[-1])
        names = sorted(tokens, key=lambda n: int(n[5:]))
        follows = {n: [names[(i + s) % len(names)] for s in (1, 2, 3, 5, 8)] for i, n in enumerate(names)}
        followers_of = {n: [m for m in names if n in follows[m]] for n in names}
        app.start()
        pids = app.worker_pids()
        load = Load(port=app.port, tokens=tokens)

        # Warm-up: a few posts to like and comment on, feeds built.
        load.log.clear()
        threads = load.run()
        time.sleep(4)
        load.finish(threads)
        results["warm_up"] = error_figures(load.log, load.log[0].start if load.log else 0)

        log(f"Phase A: PostgreSQL stopped as in a crash for {args.pg_down:g} s under load, then recovered")

        def restart_pg(during):
            # The task worker is a second or two behind (paused), as under real load: the
            # fan-outs of posts acknowledged just before the crash run while PostgreSQL is down.
            worker = app.processes["rqworker"].pid
            os.killpg(worker, signal.SIGSTOP)
            time.sleep(args.backlog)
            start = time.monotonic()
            pg.stop("immediate")
            os.killpg(worker, signal.SIGCONT)
            time.sleep(during)
            pg.start()
            return {"fault_start": start, "fault_end": time.monotonic()}

        marks = phase_load(load, restart_pg, before=args.before, during=args.pg_down, after=args.after)
        phase_a = {"postgres_down_s": round(marks["fault_end"] - marks["fault_start"], 2),
                   "fault_at_s": round(marks["fault_start"] - marks["t0"], 2),
                   **error_figures(load.log, marks["t0"])}
        phase_a["errors_after_it_was_back_s"] = round(max(
            [0.0] + [r.end - marks["fault_end"] for r in load.log if not 200 <= r.status < 300]), 2)
        tail = [r for r in load.log if r.start > marks["end"] - 5]
        phase_a["errors_in_last_5_s"] = sum(not 200 <= r.status < 300 for r in tail)
        phase_a["app_processes_unchanged"] = app.worker_pids() == pids
        phase_a_requests = list(load.log)
        queue_drained(redis)
        phase_a.update(stored(pg.url, phase_a_requests))
        phase_a.update(in_feeds(load, phase_a_requests, followers_of))
        results["phase_a_postgres_restart"] = phase_a

        log("Phase B: Redis stopped under load, then started again")

        def redis_outage(during):
            start = time.monotonic()
            redis.stop()
            if args.redis_loses_data:  # a fresh Redis comes back: queue, timelines and cache all gone
                shutil.rmtree(redis.dir)
                redis.dir.mkdir()
            time.sleep(during)
            back = time.monotonic()
            redis.start()
            return {"fault_start": start, "fault_end": back}

        marks = phase_load(load, redis_outage, before=args.before, during=args.outage, after=args.after)
        phase_b = {"redis_down_s": round(marks["fault_end"] - marks["fault_start"], 2),
                   "fault_at_s": round(marks["fault_start"] - marks["t0"], 2),
                   **error_figures(load.log, marks["t0"])}
        outage = [r for r in load.log if marks["fault_start"] <= r.start <= marks["fault_end"]]
        phase_b["written_during_outage"] = {
            kind: sum(r.kind == kind and 200 <= r.status < 300 for r in outage) for kind in ("post", "like", "comment")}
        phase_b["failed_during_outage"] = sum(not 200 <= r.status < 300 for r in outage)
        phase_b["queue_drained"] = queue_drained(redis)
        phase_b_requests = list(load.log)
        phase_b.update(stored(pg.url, phase_b_requests))
        phase_b.update(in_feeds(load, phase_b_requests, followers_of))
        phase_b["outage_posts_missing_from_feeds"] = {
            member: [p for p in posts if p in {r.obj for r in outage if r.kind == "post"}]
            for member, posts in phase_b["feeds_missing_posts"].items() if isinstance(posts, list)}
        phase_b["app_processes_unchanged"] = app.worker_pids() == pids
        results["phase_b_redis_outage"] = phase_b
    finally:
        app.stop()
        redis.stop()
        pg.stop()
        if args.keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)
    ok = all(not phase[k] for phase in (results["phase_a_postgres_restart"], results["phase_b_redis_outage"])
             for k in ("posts_missing", "comments_missing", "likes_missing", "feeds_missing_posts",
                       "posts_with_wrong_counters"))
    ok = ok and results["phase_a_postgres_restart"]["errors_in_last_5_s"] == 0
    log(f"saved {RESULTS.relative_to(ROOT)}; {'nothing lost' if ok else 'SOMETHING WAS LOST OR DID NOT RECOVER'}")
    return 0 if ok else 1


def print_table(results: dict) -> None:
    a, b = results["phase_a_postgres_restart"], results["phase_b_redis_outage"]

    def missing(phase):
        return (f"{len(phase['posts_missing'])} / {len(phase['comments_missing'])} / {phase['likes_missing']}")

    rows = [
        ("fault lasted (s)", a["postgres_down_s"], b["redis_down_s"]),
        ("requests / failed", f"{a['requests']} / {a['failed']}", f"{b['requests']} / {b['failed']}"),
        ("seconds with errors (first to last failure)", a["error_seconds"], b["error_seconds"]),
        ("failed by kind (feed/post/like/comment)",
         *("/".join(str(p["by_kind"].get(k, {}).get("failed", 0)) for k in ("feed", "post", "like", "comment"))
           for p in (a, b))),
        ("errors after PostgreSQL was back (s)", a["errors_after_it_was_back_s"], "-"),
        ("errors in the last 5 s", a["errors_in_last_5_s"], "-"),
        ("written while down (posts/likes/comments)", "-",
         "/".join(str(b["written_during_outage"][k]) for k in ("post", "like", "comment"))),
        ("acknowledged posts/comments/likes", *(
            f"{p['posts_acknowledged']}/{p['comments_acknowledged']}/{p['likes_acknowledged']}" for p in (a, b))),
        ("missing posts/comments/likes", missing(a), missing(b)),
        ("posts with wrong counters", a["posts_with_wrong_counters"], b["posts_with_wrong_counters"]),
        ("feed entries checked / feeds missing posts", *(
            f"{p['feed_entries_checked']} / {len(p['feeds_missing_posts'])}" for p in (a, b))),
        ("app processes unchanged (no restart)", a["app_processes_unchanged"], b["app_processes_unchanged"]),
    ]
    width = max(len(r[0]) for r in rows)
    log()
    log(f"{'':{width}}  {'A: PostgreSQL restart':>22}  {'B: Redis outage':>22}")
    for name, x, y in rows:
        log(f"{name:{width}}  {str(x):>22}  {str(y):>22}")
    for title, phase in (("A", a), ("B", b)):
        for what, sample in phase["error_samples"].items():
            log(f"  {title} {what}: {sample}")


if __name__ == "__main__":
    sys.exit(main())
