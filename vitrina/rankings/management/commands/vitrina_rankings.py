"""manage.py vitrina_rankings: recompute the rating now, with a progress bar on stderr."""

import time

from django.core.management.base import BaseCommand

from vitrina.rankings.services import rankings_recompute

WIDTH = 30


class Bar:
    """A one-line text bar redrawn with \\r: the stage, its fraction, the seconds so far (no dependency)."""

    def __init__(self, stream):
        self.stream = stream  # the command's OutputWrapper: written without its line ending
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int, what: str) -> None:
        filled = WIDTH * done // max(total, 1)
        seconds = time.perf_counter() - self.started
        line = f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total} {what:<16} {seconds:6.1f} s"
        self.stream.write(line + ("\n" if done >= total else ""), ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = "Recompute the rating of business accounts (also done daily by the scheduler)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="print only the summary")

    def handle(self, *args, **options):
        quiet = options["no_progress"] or not options["verbosity"]
        started = time.perf_counter()
        run = rankings_recompute(progress=None if quiet else Bar(self.stderr))
        if options["verbosity"]:
            self.stdout.write(f"Rating run {run.pk} (formula {run.formula_version}): {run.accounts} accounts "
                              f"scored in {time.perf_counter() - started:.1f} s.")
