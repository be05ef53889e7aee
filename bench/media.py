"""Photo pipeline benchmark: pyvips (vitrina.media.pipeline) against Pillow at its best, one core each.

    .venv/bin/python bench/media.py [--photos 12] [--repeats 10]

Makes 12-megapixel phone JPEGs (4000x3000, quality 92, varied crops and EXIF
orientations) from bench/data/mobile_jolla.jpg. Each implementation then runs in
process (process_photo called directly, no HTTP) in its own process pinned to one CPU
(VIPS_CONCURRENCY=1), once with glibc's default malloc arenas and once with
MALLOC_ARENA_MAX=2 (as `make serve` runs the server), so that every peak RSS (VmHWM) is
its own. The Pillow baseline (bench/pillow_pipeline.py) gets its fastest settings, and
the run stops unless both produce the same variants with no metadata. Prints a table and
writes bench/results/media.json with the machine, library versions and the fingerprint
of the code measured (bench/harness/fingerprint.py).
Targets (issue): at most 250 ms per photo on one core for all six variants plus
the BlurHash, and at least 1.5x faster than Pillow.
"""

import argparse
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, features

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ itself is on the path

from bench.harness.fingerprint import fingerprint  # noqa: E402
from bench.pillow_pipeline import SETTINGS as PILLOW_SETTINGS  # noqa: E402

SOURCE = BENCH / "data" / "mobile_jolla.jpg"
RESULTS = BENCH / "results" / "media.json"
# (implementation, MALLOC_ARENA_MAX): None leaves glibc's default, 8 arenas per core.
IMPLEMENTATIONS = ("pillow", "pyvips")
RUNS = tuple((name, arena_max) for arena_max in (None, 2) for name in IMPLEMENTATIONS)
ORIENTATIONS = (1, 6, 3, 8)
# How a camera stores an upright scene for each EXIF orientation (Pillow turns counter-clockwise).
STORED_TURN = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
METADATA_KEYS = ("exif", "icc_profile", "xmp", "comment")
MEASUREMENT = ("in-process, one core each: process_photo called directly (no HTTP), every run in its own "
               "process pinned to one CPU, VIPS_CONCURRENCY=1, one photo's bytes in memory at a time")


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


def rss_mb(field: str) -> float:
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and exec, so a
    # child would report its parent's peak (this one holds 12-MP images while making photos).
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024


def metadata_in(content: bytes) -> set[str]:
    return {key for key in Image.open(io.BytesIO(content)).info if key in METADATA_KEYS}


def worker(*, implementation: str, paths: list[Path], repeats: int) -> dict:
    """Runs in its own process: time every photo `repeats` times after one warm-up."""
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    import django

    # Both implementations set Django up, so both peaks start from the same interpreter and imports.
    django.setup()
    if implementation == "pyvips":
        from vitrina.media.pipeline import process_photo

        def variants(result) -> list[tuple]:
            return [(v.width, v.height, v.format, v.content) for v in result.variants]
    else:
        from bench.pillow_pipeline import process_photo

        def variants(result) -> list[tuple]:
            return result["variants"]

    rss_before = rss_mb("VmRSS")
    process_photo(paths[0].read_bytes())
    timings, cpu_timings, shapes, output_bytes, metadata = [], [], [], [], set()
    for path in paths:
        data = path.read_bytes()
        for _ in range(repeats):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = process_photo(data)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
        out = variants(result)
        shapes.append([f"{width}x{height} {fmt}" for width, height, fmt, _ in out])
        output_bytes.append([len(content) for *_, content in out])
        metadata.update(*(metadata_in(content) for *_, content in out))
    return {
        "implementation": implementation,
        "cpu": cpu,
        "photos": len(paths),
        "runs": len(timings),
        "timings_ms": timings,
        "cpu_timings_ms": cpu_timings,
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(rss_mb("VmHWM"), 1),
        "variants": shapes,
        "metadata": sorted(metadata),
        # Mean bytes per variant, in order 1080 webp, 1080 jpg, 640 webp, 640 jpg, 320 webp, 320 jpg.
        "mean_variant_bytes": [round(statistics.mean(col)) for col in zip(*output_bytes)],
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    ram = int(re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text()).group(1)) // 1024
    return {
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "ram_mb": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": os.getloadavg(),
    }


def library_versions() -> dict:
    import PIL
    import pyvips

    return {"pillow": PIL.__version__, "pillow_libjpeg_turbo": features.version("libjpeg_turbo"),
            "pillow_libwebp": features.version("webp"), "pillow_littlecms": features.version("littlecms2"),
            "pyvips": pyvips.__version__,
            "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"}


def run_worker(*, implementation: str, paths: list[Path], repeats: int, arena_max: int | None) -> dict:
    env = {**os.environ, "VIPS_CONCURRENCY": "1", "PYTHONPATH": str(ROOT)}
    env.pop("MALLOC_ARENA_MAX", None)
    if arena_max:
        env["MALLOC_ARENA_MAX"] = str(arena_max)
    command = [sys.executable, __file__, "--worker", implementation, "--repeats", str(repeats), *map(str, paths)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{implementation} worker failed:\n{done.stderr}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "malloc_arena_max": arena_max}


def check_like_for_like(raw: list[dict]) -> None:
    """Stop unless every run made the same variants (sizes, formats) of every photo, none with metadata."""
    first = raw[0]
    for run in raw:
        if run["variants"] != first["variants"]:
            raise SystemExit(f"{run['implementation']} made other variants than {first['implementation']}:\n"
                             f"{run['variants']}\n{first['variants']}")
        if run["metadata"]:
            raise SystemExit(f"{run['implementation']} left metadata in its variants: {run['metadata']}")


def summarise(raw: dict, *, baseline_median: float) -> dict:
    timings = raw["timings_ms"]
    median = statistics.median(timings)
    return {
        "implementation": raw["implementation"],
        "malloc_arena_max": raw["malloc_arena_max"],
        "photos": raw["photos"],
        "runs": raw["runs"],
        "median_ms": round(median, 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
        # CPU time of all the process's threads: well under the wall time means the core was shared.
        "median_cpu_ms": round(statistics.median(raw["cpu_timings_ms"]), 1),
        "rss_before_mb": raw["rss_before_mb"],
        "peak_rss_mb": raw["peak_rss_mb"],
        "speedup_vs_pillow": round(baseline_median / median, 2),
        "mean_variant_bytes": raw["mean_variant_bytes"],
    }


def print_table(rows: list[dict]) -> None:
    header = (f"{'implementation':<15}{'arenas':>8}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'CPU ms':>9}"
              f"{'RSS before MB':>15}{'peak RSS MB':>13}{'vs Pillow':>11}")
    print(header)
    print("-" * len(header))
    for row in rows:
        arenas = row["malloc_arena_max"] or "default"
        print(f"{row['implementation']:<15}{arenas:>8}{row['median_ms']:>11.1f}{row['p95_ms']:>9.1f}"
              f"{row['p99_ms']:>9.1f}{row['median_cpu_ms']:>9.1f}{row['rss_before_mb']:>15.1f}{row['peak_rss_mb']:>13.1f}"
              f"{row['speedup_vs_pillow']:>10.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--worker", choices=IMPLEMENTATIONS)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(implementation=args.worker, paths=args.paths, repeats=args.repeats)))
        return

    started = time.monotonic()
    info, code = machine(), fingerprint()
    with tempfile.TemporaryDirectory(prefix="vitrina-bench-") as folder:
        paths = make_photos(count=args.photos, folder=Path(folder))
        raw = [run_worker(implementation=name, paths=paths, repeats=args.repeats, arena_max=arena_max)
               for name, arena_max in RUNS]
    check_like_for_like(raw)
    info["loadavg_at_end"] = os.getloadavg()
    pillow_medians = {run["malloc_arena_max"]: statistics.median(run["timings_ms"])
                      for run in raw if run["implementation"] == "pillow"}
    rows = [summarise(run, baseline_median=pillow_medians[run["malloc_arena_max"]]) for run in raw]
    print(f"machine: {info['cpu_model']}, {info['cores']} cores, {info['ram_mb']} MB RAM; "
          f"load average {info['loadavg_at_start'][0]:.2f} at start, {info['loadavg_at_end'][0]:.2f} at end")
    print(f"{MEASUREMENT}; code {code['sha256']} at {code['commit']}{' (uncommitted changes)' if code['dirty'] else ''}")
    print(f"{args.photos} photos 4000x3000 JPEG q92, {args.repeats} timed runs each after a warm-up; six variants "
          "(1080/640/320 x WebP/JPEG) + BlurHash per run, the same from both; arenas = MALLOC_ARENA_MAX; "
          "CPU ms = median CPU time of all threads; vs Pillow = Pillow's median with the same arenas / this median")
    print_table(rows)
    print("mean KB per variant (1080 webp, jpg, 640 webp, jpg, 320 webp, jpg):")
    for row in rows[:len(IMPLEMENTATIONS)]:  # the same bytes whatever the arenas
        print(f"  {row['implementation']}: {', '.join(f'{b / 1024:.0f}' for b in row['mean_variant_bytes'])}")
    result = {
        "benchmark": "media photo pipeline",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "duration_s": round(time.monotonic() - started),
        "measurement": MEASUREMENT,
        "machine": info,
        "libraries": library_versions(),
        "code": code,
        "photos": {"count": args.photos, "size": "4000x3000", "jpeg_quality": 92, "orientations": ORIENTATIONS},
        "repeats": args.repeats,
        "variants_of_first_photo": raw[0]["variants"][0],
        "pillow_settings": PILLOW_SETTINGS,
        "targets": {"max_median_ms": 250, "min_speedup_vs_pillow": 1.5},
        "results": rows,
    }
    if fingerprint()["sha256"] != code["sha256"]:
        result["warning"] = "code changed during the run: the figures may belong to either version"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"saved {RESULTS.relative_to(ROOT)} in {result['duration_s']} s")


if __name__ == "__main__":
    main()
