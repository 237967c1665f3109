"""关注 (follow a posting): an agency follows a posting open for sign-up, or stops following it,
to be reminded before sign-up closes (``bidding/services/reminders.py``; docs/architecture.md,
"Notifications"). Following is private to the agency and says nothing about signing up (R4)."""
from __future__ import annotations

from django.db import transaction

from bidding import permissions  # noqa: F401  (registers the bidding.* permissions)
from bidding.models import Project, ProjectFollow
from bidding.services.common import agency_of, lock_project
from core.audit import audit_record
from core.permissions import require_perm


@transaction.atomic
def project_follow(*, actor, project: Project) -> ProjectFollow:
    """The actor's agency follows ``project`` while its sign-up is open (following twice keeps
    the one row)."""
    agency = agency_of(actor)
    project = lock_project(project)
    require_perm(actor, "bidding.follow_project", project)
    follow, created = ProjectFollow.objects.get_or_create(agency=agency, project=project)
    if created:
        audit_record(actor=actor, action="project.followed", obj=project,
                     data={"agency": agency.pk})
    return follow


@transaction.atomic
def project_unfollow(*, actor, project: Project) -> bool:
    """The actor's agency stops following ``project``; False when it did not follow it."""
    agency = agency_of(actor)
    project = lock_project(project)
    deleted, _rows = ProjectFollow.objects.filter(agency=agency, project=project).delete()
    if deleted:
        audit_record(actor=actor, action="project.unfollowed", obj=project,
                     data={"agency": agency.pk})
    return bool(deleted)
