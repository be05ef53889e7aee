#!/usr/bin/env bash
# The RQ worker for background tasks (`make worker`), started again whenever it dies.
#
# Jobs run in the worker process itself (vitrina/core/worker.py says why).
#
# RQ's worker waits out a Redis outage while it is idle, but quits when Redis goes away
# in the middle of a job (bench/faults.py, phase B); nothing would then run the tasks
# queued once Redis is back. In production a process manager may do the same instead
# (systemd: Restart=always). SIGTERM or Ctrl-C stops the worker (after its current job) and this loop.
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
pid=
stop() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid"
  exit 0
}
trap stop TERM INT
while true; do
  "$PY" manage.py rqworker --job-class django_tasks_rq.Job --worker-class vitrina.core.worker.Worker "$@" default &
  pid=$!
  wait "$pid"
  status=$?
  [ "$status" -eq 0 ] && exit 0
  echo "worker: rqworker exited with status $status; starting it again in 2 s" >&2
  sleep 2
done
