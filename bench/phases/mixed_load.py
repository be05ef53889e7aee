"""Phase 7: the realistic profile, over HTTP, with writes, the real queue and the scheduler running.

Unlike the hot profile (phases/hot_load.py: page 1 for members whose timelines are built, read-only,
timestamps touched beforehand), here:
- every member of the network has a token, none used before the run (no timestamp pre-touched), and
  visits draw members from all of them; every timeline and cache starts cold (Redis db flushed, the
  database store emptied, fresh server processes);
- requests are the mix of harness/loadgen.py (feed pages 1–5 by cursor, Explore, profiles, posts,
  comments, search with common and rare words; about 10% writes: likes, comments, follows and
  unfollows, posts with a 1080×1350 phone photo);
- the server is granian as `make run` starts it (WSGI, --blocking-threads 4; 2 workers on PostgreSQL,
  1 on SQLite), with the scheduler of periodic jobs (`manage.py run_scheduler`) and, with Redis, one
  RQ worker (`make worker`'s command) doing fan-out and the periodic jobs; on SQLite fan-out runs
  in the request, as on the embedded default;
- it runs long enough (default 600 s) for the periodic rebuilds (Explore pool, trending) to happen.

Measured: req/s and p50/p95/p99 per request kind and overall, statuses, the worst second (fewest
answers, highest p99, seconds with no answer at all), the fan-out lag of each post created (from the
201 to the post being in a follower's timeline, for up to three followers with a built timeline,
polled every POLL_S), CPU seconds of the server, the worker, the scheduler, PostgreSQL and Redis, and
what the run added to the database, Redis and media storage (the per-unit costs docs/scaling.md uses).
"""

import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from harness.common import BASE, ROOT, TOKEN_NAME, VENV, log, pct
from harness.processes import cpu_by_pid, free_port, process_tree, vm, wait_ready

POLL_S = 0.025
LAG_GIVE_UP_S = 60
LAG_FOLLOWERS = 3
PHOTO_SIZE = (1080, 1350)  # what a phone app uploads: Instagram's portrait size, resized on the phone


# --- preparing ------------------------------------------------------------------------------------------

def tokens_for_everyone() -> list[list]:
    """[id, username, token] for every active account: real bearer tokens, created in bulk, never used yet."""
    from vitrina.accounts.models import ApiToken, User

    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    members, rows = [], []
    for pk, username in User.objects.filter(is_active=True).order_by("pk").values_list("pk", "username").iterator():
        key = ApiToken.new_key()
        members.append([pk, username, key])
        rows.append(ApiToken(user_id=pk, key_hash=ApiToken.hash(key), name=TOKEN_NAME))
    ApiToken.objects.bulk_create(rows, batch_size=5000)
    return members


def words() -> dict:
    """Search words: common ones (an item named in about 1 caption in 22) and rare ones (a word that appears in
    a few captions in a thousand), account-name prefixes, hashtag prefixes, and tags for new posts."""
    import feed_generate

    from vitrina.posts.models import Hashtag

    tags = list(Hashtag.objects.order_by("-id").values_list("name", flat=True)[:300])
    return {
        "common": [item for item in feed_generate.ITEMS if " " not in item],
        "rare": [f"{a} {b}" for a in feed_generate.WORDS[:40:3] for b in feed_generate.WORDS[1:40:5]][:60],
        "accounts": [w[:n] for w in feed_generate.WORDS[::3] for n in (2, 3, 5)],
        "hashtags": sorted({t[:n] for t in tags[:100] for n in (2, 4)}),
        "tags": tags[:50] or ["vitrina"],
    }


def phone_photos(folder: Path) -> list[str]:
    """Four 1080×1350 JPEGs from the real phone photo in bench/data, with an EXIF orientation and GPS-free EXIF."""
    from PIL import Image

    source = Image.open(ROOT / "bench" / "data" / "mobile_jolla.jpg").convert("RGB")
    paths = []
    for n in range(4):
        crop = source.crop((n * 20, n * 10, source.width - n * 15, source.height - n * 5))
        photo = crop.resize(PHOTO_SIZE[::-1] if n % 2 else PHOTO_SIZE, Image.Resampling.LANCZOS)
        exif = Image.Exif()
        exif[0x0112] = 6 if n % 2 else 1
        path = folder / f"upload_{n}.jpg"
        photo.save(path, "JPEG", quality=85, exif=exif)
        paths.append(str(path))
    return paths


# --- what the run adds ------------------------------------------------------------------------------------

def storage_now(backend: str, media_root: Path) -> dict:
    """Rows, database bytes, Redis bytes and media bytes now."""
    from django.conf import settings
    from django.db import connection

    from vitrina.posts.models import Comment, Like, Post, PostMedia
    from vitrina.social.models import Follow

    out = {"posts": Post.objects.count(), "photos": PostMedia.objects.count(), "likes": Like.objects.count(),
           "comments": Comment.objects.count(), "follows": Follow.objects.count()}
    if backend == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            out["database_bytes"] = cursor.fetchone()[0]
            cursor.execute("SELECT sum(xact_commit), sum(tup_inserted + tup_updated + tup_deleted) FROM pg_stat_database"
                           " WHERE datname = current_database()")
            out["pg_commits"], out["pg_rows_written"] = (int(v) for v in cursor.fetchone())
            cursor.execute("SELECT relname, pg_total_relation_size(relid) FROM pg_statio_user_tables"
                           " ORDER BY 2 DESC LIMIT 12")
            out["table_bytes"] = dict(cursor.fetchall())
    else:
        name = Path(settings.DATABASES["default"]["NAME"])
        out["database_bytes"] = sum(p.stat().st_size for p in name.parent.glob(name.name + "*"))
    if settings.REDIS_URL:
        import redis

        info = redis.Redis.from_url(settings.REDIS_URL).info("memory")
        out["redis_used_bytes"] = info["used_memory"]
    out["media_bytes"] = sum(f.stat().st_size for f in media_root.rglob("*") if f.is_file()) if media_root.exists() else 0
    return out


# --- fan-out lag ------------------------------------------------------------------------------------------

class LagWatch:
    """For each post the load creates, up to LAG_FOLLOWERS followers with a built timeline are polled until the
    post is in theirs. Posts whose author has no such follower yet cannot be watched (counted apart)."""

    def __init__(self):
        from vitrina.timeline.store import get_store

        self.store = get_store()
        self.lags: list[float] = []
        self.unwatched = 0
        self.never = 0
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.visits = None

    def followers_with_timeline(self, author_id: int) -> list[int]:
        from vitrina.social.models import Follow

        followers = list(Follow.objects.filter(target_id=author_id).values_list("follower_id", flat=True)[:500])
        random.Random(author_id).shuffle(followers)
        return [pk for pk in followers if self.store.status(pk) is not None][:LAG_FOLLOWERS]

    def arrived(self, owner: int, post_id: int) -> bool:
        entries = self.store.read(owner, before=post_id + 1, count=1)
        return bool(entries) and entries[0][0] == post_id

    def watch(self, post_id: int, author_id: int, acknowledged: float) -> None:
        from django.db import connection

        try:
            owners = self.followers_with_timeline(author_id)
            if not owners:
                with self.lock:
                    self.unwatched += 1
                return
            waiting = set(owners)
            while waiting and time.time() - acknowledged < LAG_GIVE_UP_S:
                for owner in list(waiting):
                    if self.arrived(owner, post_id):
                        waiting.discard(owner)
                        with self.lock:
                            self.lags.append(max(0.0, time.time() - acknowledged))
                if waiting:
                    time.sleep(POLL_S)
            with self.lock:
                self.never += len(waiting)
        finally:
            connection.close()

    def follow_output(self, stream) -> None:
        for line in stream:
            if line.startswith("POSTED "):
                _tag, post_id, author_id, at = line.split()
                thread = threading.Thread(target=self.watch, args=(int(post_id), int(author_id), float(at)), daemon=True)
                thread.start()
                self.threads.append(thread)
            elif line.startswith("DONE "):
                self.visits = int(line.split()[2])

    def result(self) -> dict:
        for thread in self.threads:
            thread.join(timeout=LAG_GIVE_UP_S + 5)
        ms = [lag * 1000 for lag in self.lags]
        return {"posts_watched": len(self.threads) - self.unwatched, "posts_unwatched": self.unwatched,
                "timelines_checked": len(ms), "never_arrived": self.never,
                "p50_ms": round(pct(ms, 50), 1) if ms else None, "p95_ms": round(pct(ms, 95), 1) if ms else None,
                "p99_ms": round(pct(ms, 99), 1) if ms else None, "max_ms": round(max(ms), 1) if ms else None,
                "poll_interval_ms": POLL_S * 1000}


# --- the processes ----------------------------------------------------------------------------------------

def server_env(env: dict) -> dict:
    out = dict(os.environ)
    for key, value in {**env, "ALLOWED_HOSTS": "127.0.0.1", "MALLOC_ARENA_MAX": "2", "DEBUG": "0"}.items():
        if value == "":
            out.pop(key, None)
        else:
            out[key] = value
    return out


def start(cmd: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT if "granian" in str(process.args) else signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def service_pids(name: str) -> list[int]:
    """PIDs of the PostgreSQL or Redis server processes on this machine (their CPU is part of the cost)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm.startswith(name):
                pids.append(int(entry.name))
    return pids


# --- the run ----------------------------------------------------------------------------------------------

def reset_caches(backend: str) -> None:
    """Every timeline and cached card cold: the bench's Redis db flushed (postgres); the database store emptied."""
    from django.core.cache import cache

    from vitrina.timeline.models import TimelineEntry, TimelineState

    if backend == "postgres":
        import redis
        from django.conf import settings

        redis.Redis.from_url(settings.REDIS_URL).flushdb()
    cache.clear()
    TimelineEntry.objects.all().delete()
    TimelineState.objects.all().delete()


def summarise(records: list, seconds: float) -> dict:
    """Per kind and overall: count, req/s, p50/p95/p99/max, statuses; and the run second by second."""
    by_kind: dict[str, list] = {}
    for record in records:
        by_kind.setdefault(record[1], []).append(record)

    def stats(rows: list) -> dict:
        ms = [r[3] * 1000 for r in rows]
        statuses: dict[str, int] = {}
        for r in rows:
            statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
        errors = sum(n for code, n in statuses.items() if code == "0" or code.startswith("5"))
        return {"n": len(rows), "rps": round(len(rows) / seconds, 1), "p50_ms": round(pct(ms, 50), 1),
                "p95_ms": round(pct(ms, 95), 1), "p99_ms": round(pct(ms, 99), 1), "max_ms": round(max(ms), 1),
                "statuses": statuses, "server_errors": errors}

    kinds = {kind: stats(rows) for kind, rows in sorted(by_kind.items())}
    feed = [r for r in records if r[1].startswith("feed_")]
    writes = [r for r in records if r[1] in ("like", "comment", "follow", "unfollow", "post_photo")]
    per_second: dict[int, list[float]] = {}
    for r in records:
        per_second.setdefault(int(r[0] + r[3]), []).append(r[3] * 1000)  # by the second it was answered in
    full = range(1, int(seconds))  # whole seconds inside the run
    counts = [len(per_second.get(s, [])) for s in full]
    p99s = [(pct(per_second[s], 99), s) for s in full if per_second.get(s)]
    worst_p99, worst_p99_at = max(p99s) if p99s else (None, None)
    return {
        "overall": stats(records), "feed_all_pages": stats(feed), "writes": stats(writes) if writes else {},
        "write_share": round(len(writes) / max(1, len(records)), 3), "kinds": kinds,
        "seconds": {"measured": len(counts), "without_answers": sum(c == 0 for c in counts),
                    "fewest_answers": min(counts) if counts else None,
                    "fewest_answers_at_s": full[counts.index(min(counts))] if counts else None,
                    "worst_p99_ms": round(worst_p99, 1) if worst_p99 else None, "worst_p99_at_s": worst_p99_at,
                    "answers_per_second": counts},
    }


def photo_bytes(since_pk: int, media_root: Path) -> dict:
    """Mean bytes of each stored variant (width x format) of the photos posted during the run: what a
    photo costs in storage and what a phone downloads for one card."""
    from vitrina.posts.models import PostMedia

    sizes: dict[str, list[int]] = {}
    for files in PostMedia.objects.filter(pk__gt=since_pk).values_list("files", flat=True):
        for width, variant in files.items():
            for fmt in ("webp", "jpg"):
                path = media_root / variant.get(fmt, "")
                if variant.get(fmt) and path.is_file():
                    sizes.setdefault(f"{width}.{fmt}", []).append(path.stat().st_size)
    return {name: round(sum(v) / len(v)) for name, v in sorted(sizes.items())}


def measure_mixed(env: dict, args, *, backend: str) -> dict:
    from django.conf import settings

    work = Path(tempfile.mkdtemp(prefix="feed-mixed-", dir=BASE))
    t = time.perf_counter()
    members = tokens_for_everyone()
    log(f"  {len(members)} tokens issued in {time.perf_counter() - t:.1f} s (none used before the run)")
    reset_caches(backend)
    media_root = Path(settings.MEDIA_ROOT)
    before = storage_now(backend, media_root)
    from vitrina.posts.models import PostMedia

    last_media = PostMedia.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    plan = {"port": free_port(), "seconds": args.mixed_seconds, "connections": args.mixed_connections,
            "seed": args.seed, "members": members, "words": words(), "photo_paths": phone_photos(work),
            "comments": ["Love this!", "Where can I get it?", "So good 😍", "Beautiful colours", "কী সুন্দর!",
                         "Очень красиво"]}
    plan_path = work / "plan.json"
    plan_path.write_text(json.dumps(plan))
    environment = server_env(env)
    workers = args.server_workers
    server = start([str(VENV / "granian"), "--interface", "wsgi", "--workers", str(workers), "--blocking-threads",
                    str(args.server_threads), "--host", "127.0.0.1", "--port", str(plan["port"]),
                    "vitrina.wsgi:application"], environment, work / "granian.log")
    processes = {"server": server}
    if settings.REDIS_URL:
        processes["worker"] = start(["bash", "scripts/worker.sh"], {**environment, "PY": str(VENV / "python")},
                                    work / "worker.log")
    processes["scheduler"] = start([str(VENV / "python"), "manage.py", "run_scheduler"], environment,
                                   work / "scheduler.log")
    out: dict = {"profile": "realistic (bench/harness/loadgen.py MIX)", "over": "HTTP, granian on 127.0.0.1",
                 "server": f"granian --interface wsgi --workers {workers} --blocking-threads {args.server_threads}",
                 "queue_worker": "1 RQ worker (scripts/worker.sh)" if "worker" in processes else
                 "none: tasks run in the request (immediate backend)",
                 "connections": args.mixed_connections, "members_with_tokens": len(members),
                 "photo_upload": f"{PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG"}
    try:
        wait_ready(plan["port"], members[0][2])
        from vitrina.accounts.models import ApiToken, User

        # wait_ready's probe used one token: put it back as never used, like all the others.
        ApiToken.objects.filter(name=TOKEN_NAME, user_id=members[0][0]).update(last_used_at=None)
        def groups() -> dict[str, list[int]]:
            pids = {name: [p.pid] + process_tree(p.pid) for name, p in processes.items()}
            pids["postgres"] = service_pids("postgres") if backend == "postgres" else []
            pids["redis"] = service_pids("redis-server") if settings.REDIS_URL else []
            return pids

        cpu0 = {name: cpu_by_pid(ids) for name, ids in groups().items()}
        watch = LagWatch()
        log(f"  load: {args.mixed_connections} connections for {args.mixed_seconds} s ...")
        t0 = time.time()
        loadgen = subprocess.Popen([str(VENV / "python"), str(ROOT / "bench" / "harness" / "loadgen.py"),
                                    str(plan_path), str(work / "records.jsonl")], stdout=subprocess.PIPE, text=True)
        reader = threading.Thread(target=watch.follow_output, args=(loadgen.stdout,), daemon=True)
        reader.start()
        loadgen.wait(timeout=args.mixed_seconds + 300)
        wall = time.time() - t0
        reader.join(timeout=10)
        # Processes started during the run (PostgreSQL backends, RQ's work horses) count from zero.
        pids = groups()
        cpu = {name: round(sum(v - cpu0[name].get(pid, 0.0) for pid, v in cpu_by_pid(ids).items()), 1)
               for name, ids in pids.items()}
        out["peak_rss_mb"] = {name: [vm(pid, "VmHWM") for pid in ids] for name, ids in pids.items()
                              if name in ("server", "worker")}
        records = [json.loads(line) for line in (work / "records.jsonl").read_text().splitlines()]
        out.update(summarise(records, args.mixed_seconds))
        out["wall_s"] = round(wall, 1)
        out["cpu_seconds"] = cpu
        out["cpu_ms_per_request"] = {name: round(c * 1000 / max(1, len(records)), 2) for name, c in cpu.items()}
        out["fanout_lag"] = watch.result()
        out["visits"] = watch.visits
        out["scheduler_log"] = (work / "scheduler.log").read_text()[-3000:]
        out["users_active_after"] = User.objects.filter(api_tokens__name=TOKEN_NAME,
                                                        api_tokens__last_used_at__isnull=False).distinct().count()
    finally:
        for process in processes.values():
            stop(process)
        for name in ("granian.log", "worker.log"):
            path = work / name
            if path.exists() and ("Traceback" in path.read_text()):
                out[f"{name}_tail"] = path.read_text()[-4000:]
        shutil.rmtree(work, ignore_errors=True)
    after = storage_now(backend, media_root)
    out["photo_variant_bytes"] = photo_bytes(last_media, media_root)
    out["storage"] = {"before": before, "after": after,
                      "added": {k: after[k] - before[k] for k in after if isinstance(after[k], int) and k in before}}
    return out
