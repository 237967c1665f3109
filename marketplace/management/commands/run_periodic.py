"""The platform's periodic work in one command, for cron, Celery beat or ``--loop``.

Each step is its own idempotent command, safe to run twice at once (row locks), so a scheduler
that starts this while an earlier run is still busy does no harm. ``make run`` starts it with
``--loop 30`` beside Daphne so the demo's deadlines pass by themselves.
"""
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

STEPS = [
    "close_signups",        # sign-up deadlines: 流标 or on to selection
    "run_due_selections",   # random draws and sealed quotes due now
    "close_due_auctions",   # live auctions past their end (nobody needs to be connected)
    "contract_deadlines",   # objection periods over; missed signing deadlines → runner-up
    "sanctions_expire",     # suspensions that have run their course
    "audit_publish_head",   # once a day: the audit chain's head, published on /audit/
]


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
