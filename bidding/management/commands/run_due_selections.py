"""Periodic work for cron / Celery beat: ``manage.py run_due_selections``.

Runs the random draws, opens the sealed quotes (average-price comparison) and computes the
comprehensive evaluations whose expert panel has submitted every score, for projects whose
selection time has come, as the platform (actor: system). A commit–reveal draw runs once its
reveal window is over (or every committed agency has revealed; ``bidding.selectors.draws``).
Safe to run twice at once: each service locks the project and returns the existing award when
it already ran. A comprehensive evaluation still waiting for its experts is refused (and retried
next time); direct selection needs the purchaser and is not run here."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from bidding.models import Project
from bidding.selectors.draws import draws_due
from bidding.services import draws, methods
from core.errors import MarketplaceError

# The draws are due by their own rule (bidding.selectors.draws); these once selection time comes.
RUNNERS = {Project.Method.AVERAGE_PRICE: methods.quotes_open,
           Project.Method.COMPREHENSIVE: methods.evaluation_run}

class Command(BaseCommand):
    help = "Run due random draws, open due sealed quotes, compute due evaluations."

    def handle(self, *args, **options):
        now = timezone.now()
        others = (Project.objects.filter(status=Project.Status.SELECTING,
                                         method__in=list(RUNNERS), selection_at__lte=now)
                  .values_list("pk", "method"))
        due = [(pk, draws.draw_run) for pk in draws_due(now=now)]
        due += [(pk, RUNNERS[method]) for pk, method in list(others)]
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
