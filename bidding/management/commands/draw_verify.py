"""Recompute a random draw from its published award notice: ``manage.py draw_verify <project>``.

Under the commit–reveal scheme (``bidding.draw``) it checks, from the values the notice
publishes and the audit trail's timestamps: the platform's secret against its commitment, that
commitment against the one recorded at publication and before the first sign-up, every agency's
commitment against its sign-up and every reveal against its commitment and the trail, the seed,
every round of the ranking and the award. A draw of the legacy scheme is checked as before (seed
against its commitment, winner). Prints ``OK …`` or ``MISMATCH …`` and exits with status 1 on a
mismatch."""
import sys

from django.core.management.base import BaseCommand, CommandError

from bidding import draw
from bidding.models import Award, Project
from bidding.selectors.draws import draw_audit_problems


class Command(BaseCommand):
    help = "Recompute the winner of a random draw from the published values."

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
        if comp.get("scheme") == draw.SCHEME:
            ok, message, lines = self._commit_reveal(proj, award, comp)
        else:
            ok, message, lines = self._legacy(proj, award, comp)
        self.stdout.write(message)
        for line in lines:
            self.stdout.write("  " + line)
        if not ok:
            sys.exit(1)

    def _commit_reveal(self, proj, award, comp):
        check = draw.verify_commit_reveal(comp)
        problems = list(check.problems) + draw_audit_problems(proj, comp)
        if check.expected_uscc and award.agency.uscc != check.expected_uscc:
            problems.append(f"the formula gives {check.expected_uscc}, the award was made to "
                            f"{award.agency.uscc}")
        lines = [
            f"project {proj.pk}: {proj.title}",
            f"scheme: {draw.SCHEME}",
            f"platform commitment (at publication): {comp.get('platform_commitment', '')}",
            f"platform secret (revealed at the draw): {comp.get('platform_secret', '')}",
        ]
        for c in comp.get("contributions", []):
            lines.append(f"agency {c.get('uscc')}: commitment {c.get('commitment')} reveal "
                         f"{c.get('reveal') or 'not revealed'}")
        lines += [
            f"seed: {check.expected_seed}  ({draw.SEED_FORMULA})",
            f"candidates (sorted USCC): "
            f"{', '.join(c['uscc'] for c in comp.get('candidates', []))}",
            f"ranking: {', '.join(check.expected_ranking)}",
            f"formula: {draw.FORMULA}",
        ]
        if problems:
            return False, "MISMATCH: " + "; ".join(problems), lines
        return True, check.message, lines

    def _legacy(self, proj, award, comp):
        check = draw.verify_computation(comp)
        lines = [
            f"project {proj.pk}: {proj.title}",
            f"scheme: {draw.LEGACY_SCHEME} (seed committed when sign-up closed)",
            f"commitment published at sign-up close: {proj.draw_commitment}",
            f"seed revealed at the draw:             {comp.get('seed', '')}",
            f"candidates (sorted USCC):              "
            f"{', '.join(c['uscc'] for c in comp.get('candidates', []))}",
            f"formula: {draw.FORMULA}",
        ]
        ok, message = check.ok, check.message
        if ok and comp.get("commitment") != proj.draw_commitment:
            ok, message = False, ("MISMATCH: the notice's commitment differs from the one "
                                  "published when sign-up closed")
        if ok and award.agency.uscc != check.expected_uscc:
            ok, message = False, (f"MISMATCH: the formula gives {check.expected_uscc}, the award "
                                  f"was made to {award.agency.uscc}")
        return ok, message, lines
