#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL + Redis. On CI (CI=true)
# the PostgreSQL + Redis run is required; elsewhere it runs when they answer.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vitrina}
REDIS_TEST_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}

# Browser tests drive Debian's Chromium (never a downloaded browser); the catalog
# check runs GNU gettext's xgettext. Both come from Debian's packages.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
# Bengali glyphs for the browser's screenshots (without them Bengali text shows as empty
# boxes); wanted, not required, so only installed where the script may install.
if [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-noto-core >/dev/null 2>&1; then
  missing+=(fonts-noto-core)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian packages for the tests: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need Debian packages: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

$PY manage.py compile_translations -v0
$PY manage.py makemigrations --check --dry-run -v0 || { echo "Models changed without a migration." >&2; exit 1; }

# Two workers by default (CI has 2 cores); a test file stays on one worker (--dist loadfile), so a
# module's shared setup runs once. TEST_WORKERS=0 runs in one process.
WORKERS=${TEST_WORKERS:-2}
PARALLEL=()
[ "$WORKERS" != 0 ] && PARALLEL=(-n "$WORKERS" --dist loadfile)

start=$(date +%s)
echo "== SQLite (embedded default) =="
# Tests marked redis or postgresql need those servers; they run in the second pass.
env -u DATABASE_URL -u REDIS_URL $PY -m pytest "${PARALLEL[@]}" -m "not redis and not postgresql" "$@"

reachable() {
  $PY - "$PG_URL" "$REDIS_TEST_URL" <<'PYEOF'
import sys
import psycopg, redis
try:
    # The maintenance database on the same server: the test database need not exist yet.
    base = sys.argv[1].rsplit("/", 1)[0]
    psycopg.connect(base + "/postgres", connect_timeout=3).close()
    redis.Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
except Exception as exc:
    print(f"not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PYEOF
}

if reachable; then
  echo "== PostgreSQL + Redis =="
  DATABASE_URL=$PG_URL REDIS_URL=$REDIS_TEST_URL $PY -m pytest "${PARALLEL[@]}" -m "not sqlite" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI: PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 are required." >&2
  exit 1
else
  echo "PostgreSQL or Redis not reachable here: the PostgreSQL + Redis run was not done."
fi
echo "Suite time: $(( $(date +%s) - start )) s"
