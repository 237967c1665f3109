"""Periodic work for cron / Celery beat: ``manage.py contract_deadlines``.

Moves awards whose objection period is over to contracting, and supersedes awards whose
winner let the contract deadline pass (the runner-up is offered the award). Safe to run twice
at once: every award is re-checked under its locks."""
from django.core.management.base import BaseCommand

from bidding.services.contracts import contract_deadlines_enforce


class Command(BaseCommand):
    help = "Advance awards past their objection period; supersede awards past the contract deadline."

    def handle(self, *args, **options):
        counts = contract_deadlines_enforce()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
