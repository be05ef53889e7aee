"""Phase 3: Redis bytes per home timeline (MEMORY USAGE over the sampled members' keys)."""

import statistics

from harness.common import pct


def measure_redis_memory(members: list[int]) -> dict:
    from vitrina.timeline.store import get_store

    store = get_store()
    sizes, entries = [], []
    for uid in members[:1000]:
        b = store.memory_bytes(uid)
        if b:
            sizes.append(b)
            entries.append(store.entry_count(uid))
    info = store.client.info("memory")
    per_entry = [b / e for b, e in zip(sizes, entries) if e]
    return {
        "timelines_sampled": len(sizes),
        "bytes_mean": round(statistics.fmean(sizes)) if sizes else None,
        "bytes_p50": pct(sizes, 50), "bytes_p99": pct(sizes, 99), "bytes_max": max(sizes) if sizes else None,
        "entries_mean": round(statistics.fmean(entries), 1) if entries else None,
        "bytes_per_entry_mean": round(statistics.fmean(per_entry), 1) if per_entry else None,
        "redis_used_memory_mb": round(info["used_memory"] / 2**20, 1),
        "redis_keys_db14": store.client.dbsize(),
    }


