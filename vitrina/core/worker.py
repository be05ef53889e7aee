"""The RQ worker class that scripts/worker.sh starts (`make worker`).

RQ's default worker forks a child for every job. Measured with bench/checkout.py (PostgreSQL, an order
email per order), the fork cost more CPU than the job itself, on the same cores as the web workers:
running the jobs in the worker's own process (RQ's SimpleWorker) gave the web workers that CPU back.
Jobs then share one process, so each gets what Django gives a request: database connections that
are broken or past CONN_MAX_AGE are closed before and after it. A job that kills the process takes
the worker with it, and worker.sh starts it again.
"""

from django.db import close_old_connections
from rq.worker import SimpleWorker


class Worker(SimpleWorker):
    def execute_job(self, job, queue):
        close_old_connections()
        try:
            return super().execute_job(job, queue)
        finally:
            close_old_connections()
