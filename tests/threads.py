"""Run jobs in threads released at the same instant, for the race tests on both databases."""

import threading

from django.db import connection


def run_at_once(jobs) -> list:
    """Run the jobs in threads released together; their results (or the errors they raised) in a list."""
    barrier = threading.Barrier(len(jobs))
    results = []

    def worker(job):
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # noqa: BLE001 - the caller counts outcomes
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
