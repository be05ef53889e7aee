"""Phase 2: fan-out of a post by the largest pushed account and by the pulled one (everyone follows it),
in-process through vitrina.timeline.tasks.fan_out_now, checked in timelines and in the API feed."""

import random
import statistics
import time

from harness.common import FEED, PROBE_CAPTION, log, summary_ms
from harness.dataset import cleanup_probes_only, issue_tokens

from phases.feed_reads import get


class PushCounter:
    """Counts the timelines each store.push is asked to write (bench instrumentation, no app change)."""

    def __init__(self, store_class):
        self.store_class = store_class
        self.original = store_class.push
        self.timelines = 0
        self.calls = 0

    def __enter__(self):
        counter = self
        original = self.original

        def push(store, owner_ids, post_id, author_id):
            counter.timelines += len(owner_ids)
            counter.calls += 1
            return original(store, owner_ids, post_id, author_id)

        self.store_class.push = push
        return self

    def __exit__(self, *exc):
        self.store_class.push = self.original


def probe_post(author_id: int, n: int):
    from django.db.models import F

    from vitrina.accounts.models import User
    from vitrina.posts.models import Post, PostMedia

    media = PostMedia.objects.order_by("pk").first()
    post = Post.objects.create(author_id=author_id, caption=f"{PROBE_CAPTION} {n}")
    PostMedia.objects.create(post=post, position=0, width=media.width, height=media.height,
                             blurhash=media.blurhash, files=media.files)
    User.objects.filter(pk=author_id).update(posts_count=F("posts_count") + 1)
    return post


def measure_fanout(meta: dict, tokens: dict[int, str], args, rng: random.Random) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from vitrina.accounts.models import User
    from vitrina.feed.selectors import rebuild_timeline
    from vitrina.timeline import tasks
    from vitrina.timeline.models import TimelineEntry
    from vitrina.timeline.store import get_store

    store = get_store()
    redis_store = settings.TIMELINE_STORE == "redis"
    client = Client()
    out: dict = {"store": settings.TIMELINE_STORE, "pull_threshold": settings.FEED_PULL_THRESHOLD}
    fan_id, brand_id = meta["fanout_id"], meta["brand_id"]

    # -- the largest pushed account --
    active = [uid for chunk in tasks.active_follower_ids(fan_id) for uid in chunk]
    followers = User.objects.get(pk=fan_id).followers_count
    out["pushed_account"] = {"id": fan_id, "followers": followers, "active_followers": len(active)}
    built = []
    if redis_store:
        # Members who read their feed have a timeline (TTL 14 days): build the active followers' ones
        # through the app's own rebuild, as their first read would, within a time budget.
        t = time.perf_counter()
        order = active[:]
        rng.shuffle(order)
        rebuild_times = []
        for start in range(0, len(order), 500):
            chunk = order[start:start + 500]
            for user in User.objects.filter(pk__in=chunk):
                if store.status(user.pk) is None:
                    t1 = time.perf_counter()
                    rebuild_timeline(user, store=store)
                    rebuild_times.append(time.perf_counter() - t1)
                built.append(user.pk)
            if time.perf_counter() - t > args.prebuild_seconds:
                break
        out["pushed_account"]["timelines_built_before"] = len(built)
        out["pushed_account"]["prebuild_s"] = round(time.perf_counter() - t, 1)
        out["pushed_account"]["rebuild_timeline"] = summary_ms(rebuild_times)
        log(f"  built {len(built)} of {len(active)} follower timelines in {time.perf_counter() - t:.1f} s "
            f"(rebuild_timeline p50 {out['pushed_account']['rebuild_timeline'].get('p50_ms')} ms)")
    runs = []
    probes = []
    for n in range(args.fanout_repeats):
        post = probe_post(fan_id, n)
        probes.append(post.pk)
        queries = []
        with PushCounter(type(store)) as counter, connection.execute_wrapper(
                lambda ex, sql, params, many, ctx: queries.append(sql) or ex(sql, params, many, ctx)):
            t = time.perf_counter()
            written = tasks.fan_out_now(post_id=post.pk, author_id=fan_id)
            wall = time.perf_counter() - t
        runs.append({"post_id": post.pk, "wall_s": round(wall, 3), "timelines_written": written,
                     "push_calls": counter.calls, "sql_queries": len(queries)})
        log(f"  fan-out of post {post.pk} by account {fan_id}: {wall:.3f} s, {written} timelines")
    out["pushed_account"]["runs"] = runs
    out["pushed_account"]["wall_s_max"] = max(r["wall_s"] for r in runs)
    out["pushed_account"]["wall_s_median"] = statistics.median(r["wall_s"] for r in runs)
    last = probes[-1]
    # Verification: every built timeline (Redis) / every active follower (database) holds the post.
    if redis_store:
        pipe = store.client.pipeline(transaction=False)
        for uid in built:
            pipe.zscore(store._key(uid), f"{last}:{fan_id}")
        found = sum(score is not None for score in pipe.execute())
        out["pushed_account"]["verified"] = {"checked": len(built), "contain_post": found}
    else:
        found = TimelineEntry.objects.filter(post_id=last).exclude(owner_id=fan_id).count()
        out["pushed_account"]["verified"] = {"checked": len(active), "contain_post": found}
    # And in the feed as the API serves it, for a sample of followers.
    sample = rng.sample(built or active, min(20, len(built or active)))
    sample_tokens = issue_tokens(sample)
    tops = [get(client, FEED, sample_tokens[uid])[0].json()["items"][:1] for uid in sample]
    out["pushed_account"]["api_feed_top_is_post"] = f"{sum(bool(t) and t[0]['id'] == last for t in tops)}/{len(sample)}"

    # -- the pulled account (everyone follows it) --
    brand_runs = []
    for n in range(args.fanout_repeats):
        post = probe_post(brand_id, n)
        probes.append(post.pk)
        with PushCounter(type(store)) as counter:
            t = time.perf_counter()
            written = tasks.fan_out_now(post_id=post.pk, author_id=brand_id)
            wall = time.perf_counter() - t
        brand_runs.append({"post_id": post.pk, "wall_s": round(wall, 4), "timelines_written": written,
                           "push_calls": counter.calls, "push_timelines": counter.timelines})
    brand_followers = User.objects.get(pk=brand_id).followers_count
    readers = rng.sample(list(tokens), min(20, len(tokens)))
    tops = [get(client, FEED, tokens[uid])[0].json()["items"][:1] for uid in readers]
    out["pulled_account"] = {
        "id": brand_id, "followers": brand_followers, "runs": brand_runs,
        "api_feed_top_is_post": f"{sum(bool(t) and t[0]['id'] == probes[-1] for t in tops)}/{len(readers)}",
        "o1": all(r["timelines_written"] == 1 for r in brand_runs),
    }
    log(f"  post by account {brand_id} ({brand_followers} followers): "
        f"{[r['wall_s'] for r in brand_runs]} s, {[r['timelines_written'] for r in brand_runs]} timelines written")

    # Clean up through the app's own removal task (timelines, pulled posts), then the rows.
    remove = getattr(tasks.remove_post, "func", tasks.remove_post)
    t = time.perf_counter()
    for pk, author in ((pk, fan_id) for pk in probes[:args.fanout_repeats]):
        remove(post_id=pk, author_id=author)
    for pk in probes[args.fanout_repeats:]:
        remove(post_id=pk, author_id=brand_id)
    out["remove_post_s_per_post"] = round((time.perf_counter() - t) / len(probes), 3)
    cleanup_probes_only(probes)
    return out


