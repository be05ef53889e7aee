"""scripts/worker.sh (`make worker`): the RQ worker is started again when it dies.

bench/faults.py found RQ's worker quitting when Redis went away in the middle of a job;
the tasks queued once Redis was back then never ran (posts missing from feeds).
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def own_queue_env() -> dict:
    """The worker's environment, on a Redis database of its own, emptied: a --burst worker ends when its
    queue is empty, and on the shared test database a job left by an earlier test (or one still being
    queued by its threads) would keep it working past the test's wait. Nine below the pass's own
    database: tests/xdist_env.py counts the workers' databases down from 15."""
    assert django_settings.REDIS_URL, "run with REDIS_URL set (scripts/test.sh does)"
    base, _, db = django_settings.REDIS_URL.rpartition("/")
    url = f"{base}/{int(db or 0) - 9}"
    redis.Redis.from_url(url).flushdb()
    return {**os.environ, "PY": str(ROOT / ".venv" / "bin" / "python"), "REDIS_URL": url}


def finished(script: subprocess.Popen, timeout: float) -> int:
    try:
        return script.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        script.kill()
        out, err = script.communicate()
        raise AssertionError(f"worker.sh still running after {timeout} s:\n{out[-3000:]}\n{err[-3000:]}") from None


def test_a_worker_that_dies_is_started_again_and_sigterm_stops_the_loop():
    script = subprocess.Popen(["bash", str(ROOT / "scripts" / "worker.sh"), "--burst"], cwd=ROOT,
                              env=own_queue_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = wait_for(lambda: children(script.pid))[0]
        os.kill(first, signal.SIGKILL)  # the worker dies (as when Redis vanished mid-job)
        second = wait_for(lambda: [c for c in children(script.pid) if c != first and not _is_sleep(c)])[0]
        assert second != first
        # A worker that ends well (here: --burst with an empty queue) ends the loop: no restart.
        assert finished(script, 60) == 0
    finally:
        if script.poll() is None:
            script.kill()
    assert "starting it again" in script.stderr.read()


def test_sigterm_stops_the_worker_and_the_loop():
    script = subprocess.Popen(["bash", str(ROOT / "scripts" / "worker.sh")], cwd=ROOT,
                              env=own_queue_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        worker = wait_for(lambda: children(script.pid))[0]
        time.sleep(3)  # let it start listening
        script.send_signal(signal.SIGTERM)
        assert finished(script, 60) == 0
        assert not Path(f"/proc/{worker}").exists() or _is_zombie(worker)
    finally:
        if script.poll() is None:
            script.kill()


def _is_sleep(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "sleep"
    except OSError:
        return True


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True
