"""Synthetic social network for bench/feed.py, written straight into the tables in bulk.

The shape (ids are 1-based, in the order below):
  1        the brand: a business account that everyone follows (N-1 followers);
  2..6     five big accounts with 40/25/18/13/10.5 % of N followers (10,000+ at full size);
  7        the fan-out account: FEED_PULL_THRESHOLD - 1 followers (9,999), the largest that is pushed;
  8..N     the long tail: follower counts ~ rank^-0.6 (Zipf), capped below the threshold,
           followers drawn with a log-normal "activity" weight so following counts vary too.
Posts: ascending ids and created_at over the last 30 days, authors weighted by sqrt(followers + 1).
Media rows point at a few photos made once by the real pipeline (process_photo + images.store).
Likes and saves lean to recent posts; a few hundred hashtags with Zipf popularity appear in captions.
Every counter (followers_count, following_count, posts_count, like_count, post_count) is the truth.

PostgreSQL: COPY (psycopg) with the big tables' secondary indexes and constraints dropped and
recreated afterwards (foreign keys re-added and validated), then VACUUM ANALYZE.
SQLite: executemany in big transactions (synchronous=OFF, WAL), secondary indexes dropped and
recreated (inline UNIQUE constraints stay); no ANALYZE, as a deployed SQLite file has none.
"""

import array
import bisect
import io
import itertools
import json
import math
import os
import random
import sqlite3
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BIG_SHARES = (0.40, 0.25, 0.18, 0.13, 0.105)
BRAND_ID = 1
BIG_IDS = tuple(range(2, 2 + len(BIG_SHARES)))
FANOUT_ID = 7
TAIL_START = 8
TAIL_EXPONENT = 0.6
ACTIVITY_SIGMA = 1.0
FOLLOW_CHUNK = 200_000
BIG_TABLES = ("social_follow", "posts_post", "posts_postmedia", "posts_like", "posts_save", "posts_posthashtag")

WORDS = """
amber apple arctic atlas aurora autumn azure bakery bamboo basil bay beach berry birch bistro bloom blossom
breeze bright brook canyon caramel cedar charm cherry cider citrus clay cloud clover cobalt cocoa coral
cotton craft crimson crystal cupcake daisy dawn delta denim dune echo ember emerald fable fern fig flame
flora forest fresh frost garden ginger glacier glow golden granite grove harbor harvest hazel honey indigo
iris island ivory jade jasmine juniper kale lagoon lantern lavender lemon lilac linen lotus lunar maple
marble meadow melon mint misty mocha moss nectar noble nova oak ocean olive onyx orchid pearl pebble pepper
petal pine plum poppy prairie quartz rain raven river rose ruby rustic saffron sage salt sandy sapphire
scarlet shadow silk silver sky slate snow solar spice spruce star stone storm sugar summer sunny swift
tango thistle thunder tide timber topaz tulip twilight urban velvet vintage violet walnut willow winter
wild zen
""".split()
NOUNS = """
boutique studio market shop atelier kitchen corner house lab works store gallery collective co supply
goods crafts designs threads jewels candles ceramics bakes coffee tea flowers plants books prints
""".split()
CITIES = ("Dhaka", "Moscow", "Lisbon", "Berlin", "Chittagong", "Kazan", "Porto", "Madrid", "Sylhet", "Tbilisi",
          "Almaty", "Riga", "Vilnius", "Warsaw", "Prague", "Sofia", "Yerevan", "Baku", "Istanbul", "Belgrade")
ADJECTIVES = ("new", "fresh", "handmade", "limited", "classic", "seasonal", "vintage", "organic", "bright", "cozy",
              "minimal", "bold", "soft", "local", "rare", "everyday", "signature", "small-batch")
ITEMS = ("dress", "mug", "necklace", "candle", "scarf", "cake", "bag", "lamp", "print", "bouquet", "jacket", "vase",
         "ring", "notebook", "blanket", "sneakers", "tea blend", "bread", "poster", "earrings", "planter", "sweater")


@dataclass
class Sizes:
    accounts: int = 100_000
    edges: int = 5_000_000
    posts: int = 1_000_000
    likes: int = 2_000_000
    saves: int = 100_000
    tags: int = 300
    seed: int = 7


def follower_plan(sizes: Sizes, threshold: int) -> list[int]:
    """followers[i] for account i (index 0 unused)."""
    n = sizes.accounts
    followers = [0] * (n + 1)
    followers[BRAND_ID] = n - 1
    for account, share in zip(BIG_IDS, BIG_SHARES):
        followers[account] = min(n - 1, max(1, round(share * n)))
    followers[FANOUT_ID] = min(n - 1, threshold - 1)
    rest = max(0, sizes.edges - sum(followers))
    tail = range(TAIL_START, n + 1)
    cap = min(n - 1, int(0.8 * threshold))
    weights = [(i - TAIL_START + 1) ** -TAIL_EXPONENT for i in tail]
    # Scale to `rest` edges, capping the head of the tail below the pull threshold (a few rounds).
    fixed = {}
    for _round in range(10):
        free = [k for k in range(len(weights)) if k not in fixed]
        budget = rest - sum(fixed.values())
        total = sum(weights[k] for k in free)
        over = False
        for k in free:
            value = budget * weights[k] / total
            if value > cap:
                fixed[k] = cap
                over = True
        if not over:
            break
    budget = rest - sum(fixed.values())
    free = [k for k in range(len(weights)) if k not in fixed]
    total = sum(weights[k] for k in free)
    for k, account in enumerate(tail):
        followers[account] = fixed[k] if k in fixed else int(budget * weights[k] / total + random.random())
    return followers


def _ts(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f")


class Writer:
    """Bulk rows into one database; `rows` are tuples of Python values (None, bool, int, str)."""

    def __init__(self, backend: str, target: str):
        self.backend = backend
        if backend == "postgres":
            import psycopg

            self.conn = psycopg.connect(target, autocommit=True)
            self.conn.execute("SET maintenance_work_mem = '1GB'")
            self.conn.execute("SET max_parallel_maintenance_workers = 2")
            self.conn.execute("SET synchronous_commit = off")
        else:
            self.conn = sqlite3.connect(target, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("PRAGMA cache_size=-1000000")  # 1 GB of page cache for the unique indexes
            self.conn.execute("PRAGMA temp_store=MEMORY")
        self.saved: dict[str, list] = {}

    def drop_secondary(self, table: str, *, indexes: bool = True) -> None:
        """Drop what slows a bulk load; SQLite triggers (the search FTS5 ones) too, rebuilt in restore."""
        if self.backend == "postgres":
            if not indexes:
                return
            cons = self.conn.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')", (table,)).fetchall()
            idx = self.conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", (table, table)).fetchall()
            self.saved[table] = [("index", n, d) for n, d in idx] + [
                ("unique" if t == "u" else "fk", n, d) for n, d, t in cons]
            for name, _definition, _type in cons:
                self.conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in idx:
                self.conn.execute(f'DROP INDEX "{name}"')
        else:
            idx = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL",
                (table,)).fetchall() if indexes else []
            triggers = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name=?", (table,)).fetchall()
            self.saved[table] = [("index", n, d) for n, d in idx] + [("trigger", n, d) for n, d in triggers]
            for name, _sql in idx:
                self.conn.execute(f'DROP INDEX "{name}"')
            for name, _sql in triggers:
                self.conn.execute(f'DROP TRIGGER "{name}"')

    def restore_secondary(self, table: str) -> None:
        items = self.saved.pop(table, [])
        order = {"index": 0, "unique": 1, "fk": 2, "trigger": 3}
        for kind, name, definition in sorted(items, key=lambda item: order[item[0]]):
            if kind in ("index", "trigger"):
                self.conn.execute(definition)
            else:
                self.conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if self.backend == "sqlite" and any(kind == "trigger" for kind, _n, _d in items):
            # External-content FTS5 tables over this table: index the rows loaded without their triggers.
            for (fts,) in self.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE '%USING fts5%' "
                    "AND (sql LIKE ? OR sql LIKE ?)", (f"%content='{table}'%", f'%content="{table}"%')).fetchall():
                self.conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")

    def write(self, table: str, columns: tuple[str, ...], rows) -> int:
        count = 0
        if self.backend == "postgres":
            cols = ", ".join(columns)
            with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                buf = []
                for row in rows:
                    buf.append("\t".join(_pg(v) for v in row))
                    count += 1
                    if len(buf) >= 50_000:
                        copy.write("\n".join(buf) + "\n")
                        buf = []
                if buf:
                    copy.write("\n".join(buf) + "\n")
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            it = iter(rows)
            self.conn.execute("BEGIN")
            while True:
                chunk = list(itertools.islice(it, 200_000))
                if not chunk:
                    break
                self.conn.executemany(sql, chunk)
                count += len(chunk)
            self.conn.execute("COMMIT")
        return count

    def finish(self) -> None:
        if self.backend == "postgres":
            for table in ("accounts_user", "posts_hashtag") + BIG_TABLES:
                self.conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))")
            self.conn.execute("VACUUM ANALYZE")
        else:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


def _pg(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def make_photos(count: int = 3) -> tuple[list[dict], list[str], str, str]:
    """A few real photos through the app's pipeline: ([files dicts], [blurhash], avatar storage name,
    the small avatars' names as User.avatar_small's JSON)."""
    from PIL import Image

    from vitrina.media import images, pipeline

    source = Image.open(Path(__file__).resolve().parent / "data" / "mobile_jolla.jpg")
    source.load()
    files, hashes = [], []
    for n in range(count):
        crop = source.crop((40 * n, 30 * n, source.width - 20 * n, source.height - 10 * n))
        crop.thumbnail((1200, 1200))
        raw = io.BytesIO()
        crop.save(raw, "JPEG", quality=90)
        processed = pipeline.process_photo(raw.getvalue())
        entry = images.store_photo_variants(processed, [])
        files.append({"files": entry, "width": processed.width, "height": processed.height})
        hashes.append(processed.blurhash)
    raw = io.BytesIO()
    source.crop((0, 0, min(source.size), min(source.size))).save(raw, "JPEG", quality=90)
    processed = pipeline.process_avatar(raw.getvalue())
    avatar = images.store(processed.jpeg, folder="avatars", extension="jpg")
    avatar_small = json.dumps(images.store_avatar_small(processed), separators=(",", ":"))
    return files, hashes, avatar, avatar_small


def generate(*, backend: str, target: str, sizes: Sizes, threshold: int, log=print) -> dict:
    """Fill an empty, migrated database. Django must be set up (for the media pipeline and the password hash)."""
    from django.contrib.auth.hashers import make_password

    rng = random.Random(sizes.seed)
    random.seed(sizes.seed)
    n, now = sizes.accounts, datetime.now(UTC)
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    w = Writer(backend, target)

    def step(name, started):
        timings[name] = round(time.perf_counter() - started, 2)
        log(f"  {name:<28} {timings[name]:8.1f} s")

    # --- the follow graph (in memory: two arrays of ~E ints) ----------------------------------
    t = time.perf_counter()
    followers = follower_plan(sizes, threshold)
    activity = [0.0] + [rng.lognormvariate(0, ACTIVITY_SIGMA) for _ in range(n)]
    cum = list(itertools.accumulate(activity[1:]))
    total_activity = cum[-1]
    src, dst = array.array("I"), array.array("I")
    all_ids = range(1, n + 1)
    for account in range(1, n + 1):
        want = followers[account]
        if want <= 0:
            continue
        if account < TAIL_START:
            chosen = rng.sample(all_ids, min(n, want + 1))
            chosen = [c for c in chosen if c != account][:want]
        else:
            seen = set()
            chosen = []
            while len(chosen) < want:
                k = int((want - len(chosen)) * 1.05) + 4
                for _ in range(k):
                    c = bisect.bisect_left(cum, rng.random() * total_activity) + 1
                    if c != account and c not in seen and c <= n:
                        seen.add(c)
                        chosen.append(c)
                        if len(chosen) == want:
                            break
        src.extend(chosen)
        dst.extend([account] * len(chosen))
    following = [0] * (n + 1)
    real_followers = [0] * (n + 1)
    for f in src:
        following[f] += 1
    for a in dst:
        real_followers[a] += 1
    step("graph (in memory)", t)

    # --- posts (authors in memory), likes, saves, hashtags ------------------------------------
    t = time.perf_counter()
    p = sizes.posts
    author_cum = list(itertools.accumulate(math.sqrt(real_followers[i] + 1) for i in range(1, n + 1)))
    author_total = author_cum[-1]
    authors = array.array("I", (bisect.bisect_left(author_cum, rng.random() * author_total) + 1 for _ in range(p)))
    posts_count = [0] * (n + 1)
    for a in authors:
        posts_count[a] += 1
    start = now - timedelta(days=30)
    span = (timedelta(days=30) - timedelta(minutes=5)) / max(p, 1)
    like_count = array.array("I", bytes(4 * p))

    def pick_post() -> int:  # 1-based, leaning to recent posts
        return p - int(p * (rng.random() ** 2.5)) if p else 0

    likes = set()
    while len(likes) < min(sizes.likes, p * n // 2):
        post, user = pick_post(), rng.randint(1, n)
        key = post * (n + 1) + user
        if key not in likes:
            likes.add(key)
            like_count[post - 1] += 1
    saves = set()
    while len(saves) < min(sizes.saves, p * n // 2):
        saves.add(pick_post() * (n + 1) + rng.randint(1, n))
    tag_names = list(dict.fromkeys(WORDS + [a + b for a in WORDS for b in NOUNS]))[: sizes.tags]
    rng.shuffle(tag_names)
    tag_cum = list(itertools.accumulate(1 / (r + 1) for r in range(len(tag_names))))
    post_tags: list[tuple[int, ...]] = []
    tag_count = [0] * len(tag_names)
    for _ in range(p):
        if rng.random() < 0.5:
            chosen = {bisect.bisect_left(tag_cum, rng.random() * tag_cum[-1]) for _ in range(rng.randint(1, 3))}
            tags = tuple(sorted(chosen))
            for tg in tags:
                tag_count[tg] += 1
        else:
            tags = ()
        post_tags.append(tags)
    step("posts/likes/tags (in memory)", t)

    t = time.perf_counter()
    photos, hashes, avatar, avatar_small = make_photos()
    password = make_password("bench-password-not-secret")
    step("photos + password hash", t)

    # --- users ---------------------------------------------------------------------------------
    t = time.perf_counter()
    big = set(range(1, TAIL_START))

    def user_rows():
        for i in range(1, n + 1):
            w1, w2 = WORDS[i % len(WORDS)], NOUNS[(i // len(WORDS)) % len(NOUNS)]
            kind = "business" if i in big or i % 20 == 0 else ("creator" if i % 20 == 1 else "personal")
            yield (
                i, password, None, False, False, True, _ts(now - timedelta(days=30 + rng.random() * 900)),
                f"{w1}.{w2}{i}" if i > 1 else "vitrina.brand", f"u{i}@bench.vitrina.test",
                f"{w1.title()} {w2.title()}" if i > 1 else "Vitrina Brand",
                f"{rng.choice(ADJECTIVES)} {w2} in {CITIES[i % len(CITIES)]}",
                "", avatar, kind, i not in big and i % 20 == 7, "other" if kind == "business" else "",
                CITIES[i % len(CITIES)], "", "", None, real_followers[i], following[i], posts_count[i],
                _ts(now - timedelta(seconds=rng.random() * 3 * 86400)), avatar_small, "",
            )

    user_cols = ("id", "password", "last_login", "is_superuser", "is_staff", "is_active", "date_joined", "username",
                 "email", "display_name", "bio", "website", "avatar", "account_type", "is_private", "category",
                 "city", "contact_email", "contact_phone", "suspended_at", "followers_count", "following_count",
                 "posts_count", "last_active_at", "avatar_small", "language")
    if backend == "sqlite":
        user_rows_iter = ((*r[:3], int(r[3]), int(r[4]), int(r[5]), *r[6:14], int(r[14]), *r[15:]) for r in user_rows())
    else:
        user_rows_iter = user_rows()
    w.drop_secondary("accounts_user", indexes=False)
    w.write("accounts_user", user_cols, user_rows_iter)
    w.restore_secondary("accounts_user")
    step("users", t)

    for table in BIG_TABLES:
        w.drop_secondary(table)

    t = time.perf_counter()
    pool = [_ts(now - timedelta(seconds=rng.random() * 365 * 86400)) for _ in range(10_000)]
    w.write("social_follow", ("id", "created_at", "follower_id", "target_id"),
            ((k + 1, pool[k % 10_000], src[k], dst[k]) for k in range(len(src))))
    step(f"follows ({len(src):,})", t)
    del src, dst

    t = time.perf_counter()
    truthy = True if backend == "postgres" else 1

    def caption(k: int, tags) -> str:
        r = rng.random()
        words = f"{rng.choice(ADJECTIVES).title()} {rng.choice(ITEMS)} from {CITIES[k % len(CITIES)]}"
        if r < 0.3:
            words += f", {rng.choice(WORDS)} {rng.choice(WORDS)} edition"
        return (words + " " + " ".join("#" + tag_names[tg] for tg in tags)).strip()

    def post_rows():
        for k in range(p):
            created = _ts(start + span * k)
            yield (k + 1, caption(k, post_tags[k]), CITIES[k % len(CITIES)] if k % 4 == 0 else "", truthy,
                   like_count[k], 0, created, created, authors[k], "[]")

    # product_tags: the card's snapshot of products tagged on the photos (vitrina.shop.tags); none here.
    w.write("posts_post", ("id", "caption", "location", "comments_enabled", "like_count", "comment_count",
                           "created_at", "updated_at", "author_id", "product_tags"), post_rows())
    step(f"posts ({p:,})", t)

    t = time.perf_counter()
    files_json = [json.dumps(ph["files"], separators=(",", ":")) for ph in photos]

    def media_rows():
        mid = 0
        for k in range(p):
            count = 1 if rng.random() < 0.8 else rng.randint(2, 4)
            for pos in range(count):
                mid += 1
                ph = (k + pos) % len(photos)
                yield (mid, pos, photos[ph]["width"], photos[ph]["height"], hashes[ph], "", files_json[ph], k + 1)

    media = w.write("posts_postmedia",
                    ("id", "position", "width", "height", "blurhash", "alt_text", "files", "post_id"), media_rows())
    step(f"media ({media:,})", t)

    t = time.perf_counter()
    # The names are lower-case ASCII words: each is its own key (vitrina.posts.text.hashtag_key).
    w.write("posts_hashtag", ("id", "key", "name", "post_count", "created_at"),
            ((tg + 1, tag_names[tg], tag_names[tg], tag_count[tg], _ts(start)) for tg in range(len(tag_names))))
    links = w.write("posts_posthashtag", ("id", "hashtag_id", "post_id"),
                    ((i + 1, tg + 1, post) for i, (post, tg) in enumerate(
                        (k + 1, tg) for k in range(p) for tg in post_tags[k])))
    step(f"hashtags ({links:,} links)", t)
    del post_tags

    t = time.perf_counter()
    np1 = n + 1

    def liked_rows(keys):
        for i, key in enumerate(keys):
            post, user = divmod(key, np1)
            yield (i + 1, pool[i % 10_000], user, post)

    w.write("posts_like", ("id", "created_at", "user_id", "post_id"), liked_rows(likes))
    w.write("posts_save", ("id", "created_at", "user_id", "post_id"), liked_rows(saves))
    step(f"likes ({len(likes):,}) + saves", t)
    del likes, saves

    t = time.perf_counter()
    for table in BIG_TABLES:
        w.restore_secondary(table)
    step("indexes + constraints", t)
    t = time.perf_counter()
    w.finish()
    step("finish (analyze/checkpoint)", t)
    timings["total"] = round(time.perf_counter() - t_all, 1)
    return {
        "sizes": asdict(sizes), "edges": sum(real_followers), "media_rows": media, "hashtag_links": links,
        "pull_threshold": threshold, "brand_id": BRAND_ID, "big_ids": list(BIG_IDS), "fanout_id": FANOUT_ID,
        "followers": {str(i): real_followers[i] for i in range(1, TAIL_START)},
        "max_following": max(following), "mean_following": round(sum(following) / n, 1),
        "median_followers_tail": sorted(real_followers[TAIL_START:])[(n - TAIL_START) // 2] if n > TAIL_START else 0,
        "timings_s": timings, "generated_at": now.isoformat(),
    }


def rows_per_million(info: dict) -> float:
    rows = info["edges"] + info["sizes"]["posts"] + info["media_rows"] + info["hashtag_links"] + \
        info["sizes"]["likes"] + info["sizes"]["saves"] + info["sizes"]["accounts"]
    return round(info["timings_s"]["total"] / (rows / 1e6), 1)


if __name__ == "__main__":  # quick look at the planned distribution
    import sys

    s = Sizes(accounts=int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
              edges=int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000)
    plan = follower_plan(s, int(os.environ.get("FEED_PULL_THRESHOLD", 10_000)))
    tail = sorted(plan[TAIL_START:], reverse=True)
    print("sum", sum(plan), "head", plan[1:TAIL_START], "tail top", tail[:5], "median", tail[len(tail) // 2],
          "p10", tail[len(tail) * 9 // 10])
