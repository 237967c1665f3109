"""Rebuild every agency's stored credit score from the ledger (cron/Celery beat, daily)."""
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from credit.services.recompute import credit_recompute


class Command(BaseCommand):
    help = "Recompute every agency's credit score, stars and grade from the credit ledger."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Score as of this date (YYYY-MM-DD); default today.")
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, **options):
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError("--as-of must be a date like 2026-11-23") from None
        started = time.perf_counter()
        total, changed = credit_recompute(as_of=as_of, chunk_size=max(1, options["chunk_size"]))
        self.stdout.write(f"recomputed {total} agencies, {changed} changed "
                          f"in {time.perf_counter() - started:.1f} s")
