"""Experiment 6 (only with --only gc-freeze): warm reads and granian with and without gc.freeze() after start-up."""

import random

from harness.common import FEED, log, summary_ms

from phases.feed_reads import CPU_TIMES, get
from phases.hot_load import measure_load


def measure_gc_freeze(env: dict, members: list[int], tokens: dict[int, str], args, rng: random.Random) -> dict:
    """Warm feed reads in blocks A B A B (B: gc.freeze() after start-up), then granian A, B, A at the primary
    concurrency (B: bench/feed_wsgi_gcfreeze.py). Interleaved, as the machine's other load drifts."""
    import gc

    from django.test import Client

    import vitrina.urls  # noqa: F401  (what a worker has loaded after its first request)

    client = Client()
    for uid in members:
        get(client, FEED, tokens[uid])
    blocks: dict[str, list[float]] = {"default": [], "gc_freeze": []}
    cpu: dict[str, list[float]] = {"default": [], "gc_freeze": []}
    collections: dict[str, int] = {"default": 0, "gc_freeze": 0}
    full = []
    gc.callbacks.append(lambda phase, info: full.append(1) if phase == "start" and info["generation"] == 2 else None)
    order = members[:]
    for mode in ("default", "gc_freeze", "default", "gc_freeze"):
        if mode == "gc_freeze":
            gc.freeze()
        rng.shuffle(order)
        before = len(full)
        for uid in order[: len(order) // 2]:
            CPU_TIMES.clear()
            _response, dt = get(client, FEED, tokens[uid])
            blocks[mode].append(dt)
            cpu[mode].append(CPU_TIMES[-1])
        collections[mode] += len(full) - before
        gc.unfreeze()
    gc.callbacks.pop()
    out = {"in_process": {mode: {**summary_ms(blocks[mode]), "cpu": summary_ms(cpu[mode]),
                                 "full_collections": collections[mode]} for mode in blocks}}
    for mode, r in out["in_process"].items():
        log(f"  in-process {mode:<10} p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  mean {r['mean_ms']} ms  "
            f"({r['full_collections']} full collections in {r['n']} reads)")
    level = [args.primary_concurrency]
    runs = []
    for app in ("vitrina.wsgi:application", "bench.feed_wsgi_gcfreeze:application", "vitrina.wsgi:application"):
        log(f"  granian {app}:")
        runs.append({"app": app, **measure_load(env, members, tokens, args, levels=level, app=app)})
    out["load"] = runs
    return out


