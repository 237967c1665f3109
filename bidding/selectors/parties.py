"""Who is concerned by a project: its active bidders' organisations, the regulators whose
jurisdiction covers it (docs/architecture.md, "Notifications"). Reads only."""
from __future__ import annotations

from bidding.models import Project, SignUp
from core.jurisdiction import regulators_covering
from core.models import Organisation


def regulators_over(project: Project) -> list[Organisation]:
    """The regulators whose jurisdiction (their organisation's region; none: everywhere) covers
    the project's region, or its purchaser's where the project has none — the rule of the
    regulator's workspace (docs/architecture.md, "What each app holds")."""
    return regulators_covering(project.region or project.purchaser.region)


def bidder_organisations(project: Project, *, exclude=()) -> list[Organisation]:
    """The organisations of the agencies holding an active sign-up on ``project``, in sign-up
    order, without the agencies (ids) in ``exclude``."""
    signups = (SignUp.objects.filter(project=project, status=SignUp.Status.ACTIVE)
               .exclude(agency_id__in=list(exclude))
               .select_related("agency__organisation").order_by("created", "pk"))
    return [s.agency.organisation for s in signups]
