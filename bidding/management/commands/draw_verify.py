"""Recompute a random draw from its published award notice: ``manage.py draw_verify <project>``.

Prints ``OK …`` or ``MISMATCH …`` and exits with status 1 on a mismatch."""
import sys

from django.core.management.base import BaseCommand, CommandError

from bidding import draw
from bidding.models import Award, Project


class Command(BaseCommand):
    help = "Recompute the winner of a random draw from the published seed and candidates."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id")

    def handle(self, *args, project, **options):
        try:
            proj = Project.objects.get(pk=int(project))
        except (ValueError, Project.DoesNotExist):
            raise CommandError(f"no project {project!r}") from None
        award = (Award.objects.filter(project=proj, rank=1, method=Project.Method.RANDOM_DRAW)
                 .order_by("decided_at").first())
        if award is None:
            raise CommandError(f"project {proj.pk} has no random-draw award")
        comp = award.computation or {}
        check = draw.verify_computation(comp)
        lines = [
            f"project {proj.pk}: {proj.title}",
            f"commitment published at sign-up close: {proj.draw_commitment}",
            f"seed revealed at the draw:             {comp.get('seed', '')}",
            f"candidates (sorted USCC):              {', '.join(c['uscc'] for c in comp.get('candidates', []))}",
            f"formula: {draw.FORMULA}",
        ]
        ok = check.ok
        message = check.message
        if ok and comp.get("commitment") != proj.draw_commitment:
            ok, message = False, ("MISMATCH: the notice's commitment differs from the one "
                                  "published when sign-up closed")
        if ok and award.agency.uscc != check.expected_uscc:
            ok, message = False, (f"MISMATCH: the formula gives {check.expected_uscc}, the award "
                                  f"was made to {award.agency.uscc}")
        self.stdout.write(message)
        for line in lines:
            self.stdout.write("  " + line)
        if not ok:
            sys.exit(1)
