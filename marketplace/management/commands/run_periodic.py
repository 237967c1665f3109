"""The platform's periodic work in one command, for cron (once) or ``--loop``.

The steps are those of ``marketplace/periodic.py``, which the Celery beat schedule runs too
(``make run`` starts a worker with embedded beat). Each step is its own idempotent command, safe
to run twice at once (row locks), so a scheduler that starts this while an earlier run is still
busy does no harm.
"""
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from marketplace.periodic import STEPS


class Command(BaseCommand):
    help = "Run every periodic step once (or every N seconds with --loop N)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="repeat every SECONDS until interrupted")

    def handle(self, *args, loop=0, **options):
        while True:
            for step in STEPS:
                try:
                    call_command(step, stdout=self.stdout, stderr=self.stderr)
                except Exception as exc:  # one failing step must not stop the others
                    self.stderr.write(f"{step}: {exc!r}")
                    if not loop:
                        raise
            if not loop:
                return
            time.sleep(loop)
