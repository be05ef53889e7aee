"""Photo pipeline benchmark: pyvips (vitrina.media.pipeline) against plain Pillow, one core each.

    .venv/bin/python bench/media.py [--photos 12] [--repeats 5]

Makes 12-megapixel phone JPEGs (4000x3000, quality 92, varied crops and EXIF
orientations) from bench/data/mobile_jolla.jpg, then runs each implementation in
its own process pinned to one CPU (VIPS_CONCURRENCY=1), so that the peak RSS it
reports is its own. Prints a table and writes bench/results/media.json.
Targets (issue): at most 250 ms per photo on one core for all six variants plus
the BlurHash, and at least 1.5x faster than Pillow.
"""

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SOURCE = BENCH / "data" / "mobile_jolla.jpg"
RESULTS = BENCH / "results" / "media.json"
IMPLEMENTATIONS = ("pillow", "pyvips")
ORIENTATIONS = (1, 6, 3, 8)
# How a camera stores an upright scene for each EXIF orientation (Pillow turns counter-clockwise).
STORED_TURN = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def make_photos(*, count: int, folder: Path) -> list[Path]:
    """12-MP JPEGs upscaled from one real phone photo, each cropped a little differently."""
    source = Image.open(SOURCE)
    source.load()
    paths = []
    for n in range(count):
        inset = 12 * n  # a different crop each time, so no two photos are the same bytes
        crop = source.crop((inset, inset // 2, source.width - (n % 3) * 16, source.height - (n % 2) * 24))
        orientation = ORIENTATIONS[n % len(ORIENTATIONS)]
        photo = crop.resize((4000, 3000), Image.Resampling.BICUBIC)
        if orientation != 1:  # stored turned, as a phone held sideways writes it; the tag turns it back
            photo = photo.transpose(STORED_TURN[orientation])
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x010F], exif[0x0110] = "Jolla", "Jolla"
        path = folder / f"phone_{n:02d}.jpg"
        photo.save(path, "JPEG", quality=92, exif=exif)
        paths.append(path)
    return paths


def peak_rss_mb() -> float:
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and exec, so a
    # child would report its parent's peak (this one holds 12-MP images while making photos).
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def worker(*, implementation: str, paths: list[Path], repeats: int) -> dict:
    """Runs in its own process: time every photo `repeats` times after one warm-up."""
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    import django

    django.setup()
    if implementation == "pyvips":
        from vitrina.media.pipeline import process_photo

        def sizes(result):
            return [len(v.content) for v in result.variants]
    else:
        sys.path.insert(0, str(BENCH))
        from pillow_pipeline import process_photo

        def sizes(result):
            return [len(v[3]) for v in result["variants"]]

    photos = [p.read_bytes() for p in paths]
    process_photo(photos[0])
    timings, output_bytes = [], []
    for data in photos:
        for _ in range(repeats):
            started = time.perf_counter()
            result = process_photo(data)
            timings.append((time.perf_counter() - started) * 1000)
        output_bytes.append(sizes(result))
    return {
        "implementation": implementation,
        "cpu": cpu,
        "photos": len(photos),
        "runs": len(timings),
        "timings_ms": timings,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        # Shown for comparison only: includes the parent's peak (see peak_rss_mb).
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # Mean bytes per variant, in order 1080 webp, 1080 jpg, 640 webp, 640 jpg, 320 webp, 320 jpg.
        "mean_variant_bytes": [round(statistics.mean(col)) for col in zip(*output_bytes)],
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    return {
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_worker(*, implementation: str, paths: list[Path], repeats: int, arena_max: int | None) -> dict:
    env = {**os.environ, "VIPS_CONCURRENCY": "1", "PYTHONPATH": str(ROOT)}
    if arena_max:
        env["MALLOC_ARENA_MAX"] = str(arena_max)
    command = [sys.executable, __file__, "--worker", implementation, "--repeats", str(repeats), *map(str, paths)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{implementation} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarise(raw: dict, *, baseline_median: float) -> dict:
    timings = raw["timings_ms"]
    median = statistics.median(timings)
    return {
        "implementation": raw["implementation"],
        "photos": raw["photos"],
        "runs": raw["runs"],
        "median_ms": round(median, 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
        "peak_rss_mb": raw["peak_rss_mb"],
        "ru_maxrss_mb": raw["ru_maxrss_mb"],
        "speedup_vs_pillow": round(baseline_median / median, 2),
        "mean_variant_bytes": raw["mean_variant_bytes"],
    }


def library_versions() -> dict:
    import PIL
    import pyvips

    return {"pillow": PIL.__version__, "pyvips": pyvips.__version__,
            "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    # glibc gives each thread that allocates its own arena; libvips' worker threads then leave
    # freed memory spread over several, which shows as peak RSS growing over the first photos.
    parser.add_argument("--malloc-arena-max", type=int, help="set MALLOC_ARENA_MAX for both workers")
    parser.add_argument("--worker", choices=IMPLEMENTATIONS)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(implementation=args.worker, paths=args.paths, repeats=args.repeats)))
        return

    with tempfile.TemporaryDirectory(prefix="vitrina-bench-") as folder:
        paths = make_photos(count=args.photos, folder=Path(folder))
        raw = {name: run_worker(implementation=name, paths=paths, repeats=args.repeats, arena_max=args.malloc_arena_max)
               for name in IMPLEMENTATIONS}
    baseline = statistics.median(raw["pillow"]["timings_ms"])
    rows = [summarise(raw[name], baseline_median=baseline) for name in IMPLEMENTATIONS]
    info = machine()
    print(f"machine: {info['cpu_model']}, {info['cores']} cores; each implementation pinned to one core")
    print(f"{args.photos} photos 4000x3000 JPEG q92, {args.repeats} timed runs each after a warm-up; "
          "six variants (1080/640/320 x WebP/JPEG) + BlurHash per run; "
          f"MALLOC_ARENA_MAX={args.malloc_arena_max or 'unset (glibc default)'}")
    header = (f"{'implementation':<15}{'photos':>7}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}"
              f"{'peak RSS MB':>13}{'vs Pillow':>11}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['implementation']:<15}{row['photos']:>7}{row['median_ms']:>11.1f}{row['p95_ms']:>9.1f}"
              f"{row['p99_ms']:>9.1f}{row['peak_rss_mb']:>13.1f}{row['speedup_vs_pillow']:>10.2f}x")
    for row in rows:
        kb = ", ".join(f"{b / 1024:.0f}" for b in row["mean_variant_bytes"])
        print(f"{row['implementation']} mean KB per variant (1080 webp, jpg, 640 webp, jpg, 320 webp, jpg): {kb}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "media photo pipeline",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": info,
        "libraries": library_versions(),
        "photos": {"count": args.photos, "size": "4000x3000", "jpeg_quality": 92, "orientations": ORIENTATIONS},
        "repeats": args.repeats,
        "malloc_arena_max": args.malloc_arena_max,
        "targets": {"max_median_ms": 250, "min_speedup_vs_pillow": 1.5},
        "results": rows,
    }, indent=2) + "\n")
    print(f"saved {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
