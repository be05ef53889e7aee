"""Loaded first (pytest -p): gives each pytest-xdist worker its own Redis database.

Tests empty the cache between them (tests/conftest.py), so two workers on one Redis database would wipe
each other's timelines mid-test. pytest-django already gives each worker its own test database; this does
the same for Redis before Django reads its settings. xdist names the workers gw0, gw1, ...
"""

import os

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_redis_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _redis_url:
    _base, _, _db = _redis_url.rpartition("/")
    # The pass's own database counts down from there (15, 14, ...); Redis has 16 by default.
    os.environ["REDIS_URL"] = f"{_base}/{int(_db or 0) - int(_worker[2:])}"
