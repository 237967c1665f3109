"""Periodic work for cron / Celery beat: ``manage.py run_due_selections``.

Runs the random draws, opens the sealed quotes (average-price comparison) and computes the
comprehensive evaluations whose expert panel has submitted every score, for projects whose
selection time has come, as the platform (actor: system). Safe to run twice at once: each
service locks the project and returns the existing award when it already ran. A comprehensive
evaluation still waiting for its experts is refused (and retried next time); direct selection
needs the purchaser and is not run here."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from bidding.models import Project
from bidding.services import methods
from core.errors import MarketplaceError

RUNNERS = {Project.Method.RANDOM_DRAW: methods.draw_run,
           Project.Method.AVERAGE_PRICE: methods.quotes_open,
           Project.Method.COMPREHENSIVE: methods.evaluation_run}


class Command(BaseCommand):
    help = "Run due random draws and open due sealed quotes."

    def handle(self, *args, **options):
        due = (Project.objects.filter(status=Project.Status.SELECTING,
                                      method__in=list(RUNNERS), selection_at__lte=timezone.now())
               .values_list("pk", "method"))
        done = failed = 0
        for pk, method in list(due):
            try:
                award = RUNNERS[method](actor=None, project=pk)
            except MarketplaceError as exc:
                failed += 1
                self.stderr.write(f"project {pk}: {exc}")
                continue
            done += 1
            self.stdout.write(f"project {pk}: awarded to {award.agency.name} ({award.code})")
        self.stdout.write(f"selections run={done} refused={failed}")
