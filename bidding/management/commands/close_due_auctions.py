"""Close every live auction past its end time (cron or Celery beat, e.g. once a minute).

Safe to run twice at once: each close re-checks the project under its row lock, so exactly one
award is made whichever process gets there first (the consumer timer, a read after the
deadline, or this command).
"""
from django.core.management.base import BaseCommand

from bidding.services.auctions import auctions_close_due


class Command(BaseCommand):
    help = "Close live auctions whose bidding window has ended (idempotent)."

    def handle(self, *args, **options):
        closed = auctions_close_due()
        if options["verbosity"] >= 1:
            self.stdout.write(f"closed {len(closed)} auction(s): {closed}" if closed
                              else "no auction due")
