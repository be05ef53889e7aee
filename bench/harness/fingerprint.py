"""What code a stored figure was measured on.

A benchmark's path runs through middleware, settings, the WSGI module, the cache layer and
whatever app code a request touches; listing those by hand left modules out. So the
fingerprint covers every Python, template and settings file of the `vitrina` package, the
lock files (library versions are code too) and the benchmark's own files: one digest, the
git commit it was taken on, and whether the tree had uncommitted changes then.
"""

import hashlib
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = ("vitrina/**/*.py", "vitrina/**/*.html", "vitrina/**/*.js", "vitrina/**/*.css",
            "requirements.lock", "bench/*.py", "bench/harness/*.py", "bench/phases/*.py")


def code_files() -> list[Path]:
    files = {path for pattern in PATTERNS for path in ROOT.glob(pattern) if path.is_file()}
    return sorted(path for path in files if "__pycache__" not in path.parts)


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def fingerprint() -> dict:
    """{"sha256": digest of every code file's path and bytes, "files": n, "commit": ..., "dirty": bool}."""
    digest = hashlib.sha256()
    files = code_files()
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    dirty = _git("status", "--porcelain", "--", "vitrina", "bench", "requirements.lock")
    return {"sha256": digest.hexdigest()[:16], "files": len(files), "commit": _git("rev-parse", "--short", "HEAD"),
            "dirty": bool(dirty), "covers": list(PATTERNS)}


if __name__ == "__main__":
    print(fingerprint())
