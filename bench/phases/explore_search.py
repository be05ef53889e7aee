"""Phase 5: Explore and search in-process through django.test.Client (run in a fresh process, see feed.py)."""

import random
import statistics
import time

import feed_generate
from harness.common import API, TOKEN_NAME, log, summary_ms
from harness.dataset import issue_tokens

from phases.feed_reads import get


def measure_explore_search(args) -> dict:
    from django.test import Client
    from django.urls import Resolver404, resolve

    from vitrina.accounts.models import User
    from vitrina.feed.tasks import build_explore_pool, build_trending

    # What the scheduler keeps built in production (requests only read it): built once here, timed.
    t = time.perf_counter()
    build_explore_pool.call()
    pool_s = time.perf_counter() - t
    t = time.perf_counter()
    build_trending.call()
    trending_s = time.perf_counter() - t
    log(f"  periodic builds: Explore pool {pool_s:.2f} s, trending {trending_s:.2f} s (in the job, not a request)")
    rng = random.Random(args.seed + 5)
    n = User.objects.count()
    members = rng.sample(range(1, n + 1), min(args.explore_requests, n))
    tokens = issue_tokens(members)
    client = Client()
    out: dict = {"periodic_build_s": {"explore_pool": round(pool_s, 3), "trending": round(trending_s, 3)}}

    def available(path: str) -> bool:
        try:
            resolve(path)
            return True
        except Resolver404:
            return False

    def run(name: str, path: str, params_of) -> None:
        if not available(path):
            out[name] = {"missing": f"{path} does not resolve"}
            log(f"  {name}: {path} missing")
            return
        times, counts, statuses = [], [], {}
        first = None
        for i, uid in enumerate(members):
            response, dt = get(client, path, tokens[uid], params_of(i))
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code == 200:
                counts.append(len(response.json().get("items", [])))
            if first is None:
                first = dt
            else:
                times.append(dt)
        out[name] = {"first_request_ms": round(first * 1000, 2), **summary_ms(times), "statuses": statuses,
                     "mean_items": round(statistics.fmean(counts), 1) if counts else None,
                     "empty_results": sum(c == 0 for c in counts)}
        log(f"  {name:<18} p50 {out[name].get('p50_ms')} ms  p99 {out[name].get('p99_ms')} ms  "
            f"first {out[name]['first_request_ms']} ms  statuses {statuses}  mean items {out[name]['mean_items']}")

    run("explore", f"{API}/explore", lambda i: {})
    run("trending_hashtags", f"{API}/explore/trending-hashtags", lambda i: {})
    words = feed_generate.WORDS
    tag_words = words + [a + b for a in words[:40] for b in feed_generate.NOUNS[:6]]
    post_words = list(feed_generate.ITEMS) + list(feed_generate.ADJECTIVES) + list(feed_generate.CITIES) + words

    def prefix(word: str, i: int) -> str:
        return word[: max(2, min(len(word), 2 + i % 5))]

    def accounts_q(i):
        w = rng.choice(words)
        return {"type": "accounts", "q": prefix(w, i) if i % 3 else f"{w}.{rng.choice(feed_generate.NOUNS)}"}

    def hashtags_q(i):
        return {"type": "hashtags", "q": ("#" if i % 2 else "") + prefix(rng.choice(tag_words), i)}

    def posts_q(i):
        q = prefix(rng.choice(post_words), i).lower()
        if i % 4 == 0:
            q = rng.choice(feed_generate.ADJECTIVES) + " " + prefix(rng.choice(feed_generate.ITEMS), i)
        return {"type": "posts", "q": q}

    run("search_accounts", f"{API}/search", accounts_q)
    run("search_hashtags", f"{API}/search", hashtags_q)
    run("search_posts", f"{API}/search", posts_q)
    from vitrina.accounts.models import ApiToken

    ApiToken.objects.filter(name=TOKEN_NAME, user_id__in=members).delete()
    return out


