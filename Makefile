# Vitrina: `make run` sets up and starts the demo; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_WORKERS ?= 1
# The live socket (/ws) is served by an ASGI server on the port after the pages' one (docs/live.md).
LIVE_PORT ?= $(shell echo $$(($(PORT) + 1)))

.PHONY: run test setup serve worker scheduler backup restore messages install install-test clean bench-media bench-feed bench-scaling bench-pages

$(VENV)/.run-installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed requirements-test.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
	touch $@

install: $(VENV)/.run-installed
install-test: $(VENV)/.test-installed

# Everything `run` needs before serving; safe to repeat (keeps existing data).
setup: install
	$(PY) manage.py compile_translations -v0
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py avatar_variants -v0
	$(PY) manage.py seed_demo

# MALLOC_ARENA_MAX=2: libvips works in threads, and glibc's per-thread arenas
# otherwise grow a worker's peak memory by about a third (bench/media.py).
# Pages and the API are served over WSGI (Django's ASGI path costs several times more per request:
# docs/live.md); the live socket /ws by one granian ASGI process on LIVE_PORT, which pages are
# told of (LIVE_PORT in their environment). The scheduler of periodic jobs runs beside them; Ctrl-C stops all.
serve:
	@echo "Vitrina is at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	@$(PY) manage.py run_scheduler & scheduler=$$!; \
	LIVE_PORT=$(LIVE_PORT) $(VENV)/bin/granian --interface asgi --host $(HOST) --port $(LIVE_PORT) --workers 1 \
		--log-level warning vitrina.asgi:application & live=$$!; \
	trap 'kill $$scheduler $$live 2>/dev/null; wait $$scheduler $$live' EXIT INT TERM; \
	LIVE_PORT=$(LIVE_PORT) MALLOC_ARENA_MAX=2 $(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) \
		--workers $(WEB_WORKERS) --blocking-threads 4 --log-level warning vitrina.wsgi:application

run: setup serve

# With REDIS_URL set, background tasks (feed fan-out) run here, not in the web process;
# the worker is started again if it dies (RQ quits when Redis goes away mid-job).
worker: install
	PY=$(PY) bash scripts/worker.sh

# Periodic jobs in production: run exactly one of these per instance.
scheduler: install
	$(PY) manage.py run_scheduler

# A consistent copy of the SQLite database (taken while Vitrina runs), the media files
# and the secret key, in var/backups/vitrina-<time>.tar.gz; restore into an empty var/.
backup: install
	$(PY) manage.py backup

restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=var-backup.tar.gz" >&2; exit 2; }
	$(PY) scripts/restore.py "$(ARCHIVE)"

test: install-test
	bash scripts/test.sh

# Benchmarks print tables and save JSON under bench/results/ (not part of `make test`).
bench-media: install
	$(PY) bench/media.py

# The hot profile is driven by wrk (Debian's package), the realistic one by bench/harness/loadgen.py.
bench-feed: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
		echo "wrk is not installed (apt-get install wrk): the hot profile will be skipped" >&2
	$(PY) bench/feed.py --backend sqlite
	$(PY) bench/feed.py --backend postgres

# How cost grows: the realistic profile on a 10,000-account network too, then the plan in docs/scaling.md.
bench-scaling: install
	$(PY) bench/feed.py --backend postgres --accounts 10000 --edges 500000 --posts 100000 --likes 200000 \
		--saves 10000 --only mixed
	$(PY) bench/scaling.py

# First loads in a throttled phone Chromium (Debian's chromium): bytes, requests, LCP, CLS.
bench-pages: install-test
	$(PY) bench/pages.py

# Refresh the .po catalogs after changing strings (needs GNU gettext, for developers only).
messages: install
	cd vitrina && ../$(PY) ../manage.py makemessages -l ru -l bn --no-obsolete --no-location
	$(PY) manage.py compile_translations

clean:
	rm -rf $(VENV) staticfiles var/test*.sqlite3*

# Checkout over HTTP (granian as `make run` starts it): 200 buyers racing for 20 units, then 200 buying a
# product each; PostgreSQL + Redis, then SQLite (bench/checkout.py --help for the sizes and databases).
.PHONY: bench-checkout
bench-checkout: install
	$(PY) bench/checkout.py --db both
