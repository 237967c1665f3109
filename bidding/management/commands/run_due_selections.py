"""Periodic work for cron / Celery beat: ``manage.py run_due_selections``.

Runs the random draws and opens the sealed quotes (average-price comparison) of projects whose
selection time has come, as the platform (actor: system). A commit–reveal draw runs once its
reveal window is over (or every committed agency has revealed; ``bidding.selectors.draws``).
Safe to run twice at once: each service locks the project and returns the existing award when
it already ran. Comprehensive evaluation and direct selection need the purchaser and are not
run here."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from bidding.models import Project
from bidding.selectors.draws import draws_due
from bidding.services import draws, methods
from core.errors import MarketplaceError


class Command(BaseCommand):
    help = "Run due random draws and open due sealed quotes."

    def handle(self, *args, **options):
        now = timezone.now()
        quotes = (Project.objects.filter(status=Project.Status.SELECTING,
                                         method=Project.Method.AVERAGE_PRICE,
                                         selection_at__lte=now)
                  .values_list("pk", flat=True))
        due = [(pk, draws.draw_run) for pk in draws_due(now=now)]
        due += [(pk, methods.quotes_open) for pk in list(quotes)]
        done = failed = 0
        for pk, runner in due:
            try:
                award = runner(actor=None, project=pk)
            except MarketplaceError as exc:
                failed += 1
                self.stderr.write(f"project {pk}: {exc}")
                continue
            done += 1
            self.stdout.write(f"project {pk}: awarded to {award.agency.name} ({award.code})")
        self.stdout.write(f"selections run={done} refused={failed}")
