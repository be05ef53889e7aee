"""Enqueue periodic jobs when due (vitrina.core.scheduler), until SIGTERM or Ctrl-C."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from vitrina.core import scheduler


class Command(BaseCommand):
    help = "Run the scheduler of periodic jobs: one process per instance (README, 'When one machine is not enough')."

    def handle(self, *args, **options):
        autodiscover_modules("tasks")  # where apps declare their periodic jobs
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        # The scheduler's own lines are worth seeing even when LOG_LEVEL keeps the rest quiet.
        logger = logging.getLogger(scheduler.__name__)
        if options["verbosity"] >= 1 and logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        names = ", ".join(f"{job.name} (every {job.every})" for job in scheduler.JOBS.values()) or "none yet"
        self.stdout.write(f"Scheduler started; periodic jobs: {names}")
        scheduler.run_forever(stop=stop)
        self.stdout.write("Scheduler stopped.")
