"""Synthetic insights hits for bench/insights.py, written straight into insights_hit in bulk, on top of the
feed benchmark's network (bench/feed_generate.py).

The shape: the hits of the last 30 days (the posts' own span), hour by hour in time order, the same number an
hour. Nine in ten are post views: the post drawn among those already published, weighted by its author's
followers (a big account's post is seen more), the viewer uniform over the accounts other than its author, so
(viewer, post, hour) is unique within an hour as the table's constraint wants (duplicates drawn in the same
hour are drawn again) and across hours by construction. The rest are profile visits, product views, tag taps,
website taps and cart adds of the same authors, from feeds, profiles, Explore and search. Orders are left to
the shop's own tables.

PostgreSQL: COPY with the table's indexes dropped and built again; SQLite: executemany in one transaction,
likewise. Ids from 1, so the table must be empty.
"""

import bisect
import random
import time
from datetime import UTC, datetime, timedelta

from feed_generate import Writer

TABLE = "insights_hit"
COLUMNS = ("id", "kind", "account_id", "viewer_id", "post_id", "product_id", "source", "hour", "amount",
           "currency", "created_at")
VIEW = 1
# (kind, share of the hits that are not post views): profile visit, website tap, tag tap, product view, cart add.
OTHER_KINDS = ((2, 0.55), (3, 0.05), (4, 0.15), (5, 0.2), (6, 0.05))
VIEW_SOURCES = ("feed",) * 6 + ("profile", "profile", "explore", "hashtag")
OTHER_SOURCES = ("profile", "post", "explore", "search", "shop")


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


def posts_in_time_order(conn, backend: str) -> tuple[list[int], list[int], list[int], list[float]]:
    """(post ids, their authors, the hour each was published, cumulative weights) in publication order."""
    sql = ("SELECT p.id, p.author_id, p.created_at, u.followers_count FROM posts_post p "
           "JOIN accounts_user u ON u.id = p.author_id ORDER BY p.created_at, p.id")
    ids, authors, hours, cum = [], [], [], []
    total = 0.0
    for post_id, author, created, followers in conn.execute(sql):
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        ids.append(post_id)
        authors.append(author)
        hours.append(int(created.timestamp() // 3600))
        total += (followers + 1) ** 0.5
        cum.append(total)
    return ids, authors, hours, cum


def generate_hits(*, backend: str, target: str, accounts: int, hits: int, seed: int = 11, log=print) -> dict:
    rng = random.Random(seed)
    t_all = time.perf_counter()
    w = Writer(backend, target)
    ids, authors, post_hours, cum = posts_in_time_order(w.conn, backend)
    if not ids:
        raise SystemExit("no posts: generate the feed network first")
    now_hour = int(datetime.now(UTC).timestamp() // 3600)
    first_hour = max(post_hours[0], now_hour - 30 * 24)
    span = now_hour - first_hour + 1
    per_hour = max(1, hits // span)
    log(f"  {hits:,} hits over {span} hours ({per_hour:,} an hour), {len(ids):,} posts")

    def rows():
        next_id = 1
        produced = 0
        for hour in range(first_hour, now_hour + 1):
            published = bisect.bisect_right(post_hours, hour)  # posts out by the end of this hour
            if not published:
                continue
            want = per_hour if hour < now_hour else hits - produced
            if want <= 0:
                break
            top = cum[published - 1]
            seen: set[tuple[int, int]] = set()
            base = datetime.fromtimestamp(hour * 3600, UTC)
            for _ in range(want):
                k = bisect.bisect_left(cum, rng.random() * top, 0, published)
                author = authors[k]
                viewer = rng.randint(1, accounts)
                if viewer == author:
                    viewer = viewer % accounts + 1
                moment = _ts(base + timedelta(seconds=rng.random() * 3599))
                if rng.random() < 0.9:
                    while (viewer, ids[k]) in seen or viewer == author:
                        viewer = rng.randint(1, accounts)
                    seen.add((viewer, ids[k]))
                    row = (next_id, VIEW, author, viewer, ids[k], None, rng.choice(VIEW_SOURCES), hour, None, "",
                           moment)
                else:
                    r, kind = rng.random(), OTHER_KINDS[-1][0]
                    for candidate, share in OTHER_KINDS:
                        if r < share:
                            kind = candidate
                            break
                        r -= share
                    post = ids[k] if kind in (4,) else None
                    product = rng.randint(1, 1000) if kind in (4, 5, 6) else None
                    row = (next_id, kind, author, viewer, post, product, rng.choice(OTHER_SOURCES), hour, None, "",
                           moment)
                yield row
                next_id += 1
                produced += 1

    t = time.perf_counter()
    w.drop_secondary(TABLE)
    count = w.write(TABLE, COLUMNS, rows())
    load_s = time.perf_counter() - t
    log(f"  hits written               {load_s:8.1f} s ({count / load_s:,.0f} rows/s)")
    t = time.perf_counter()
    w.restore_secondary(TABLE)
    index_s = time.perf_counter() - t
    log(f"  hit indexes                {index_s:8.1f} s")
    if backend == "postgres":
        w.conn.execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), {count + 1}, false)")
        w.conn.execute(f"VACUUM ANALYZE {TABLE}")
    else:
        w.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    w.conn.close()
    return {"hits": count, "hours": span, "load_s": round(load_s, 1), "index_s": round(index_s, 1),
            "total_s": round(time.perf_counter() - t_all, 1)}
