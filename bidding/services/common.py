"""What every service of bidding starts with: the project row locked, the actor's agency."""
from __future__ import annotations

from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding import permissions  # noqa: F401  (registers the bidding.* permissions)
from bidding.models import Project
from core.errors import NotAllowed
from core.locking import lock
from core.permissions import require_perm
from core.roles import organisation_of


def lock_project(project) -> Project:
    """The project row (an instance or a primary key) locked, with its purchaser and item;
    ``NotFound`` when there is none. Call inside ``transaction.atomic``."""
    return lock(Project, project, related=("purchaser", "item"), missing=_("No such project."))


def agency_of(actor) -> Agency:
    """The actor's agency, or ``NotAllowed`` (permission ``bidding.take_part``)."""
    require_perm(actor, "bidding.take_part")
    agency = Agency.objects.select_related("partner").filter(
        organisation=organisation_of(actor)).first()
    if agency is None:
        raise NotAllowed(_("Your organisation has no agency profile."))
    return agency
