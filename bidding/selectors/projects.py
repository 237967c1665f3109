"""Reads of postings and sign-ups, with the joins the list and detail pages need (no N+1)."""
from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding.models import Avoidance, Award, Project, ProjectFollow, SignUp
from core.errors import NotFound
from core.roles import organisation_of

PUBLIC_STATUSES = [s for s in Project.Status.values if s != Project.Status.DRAFT]


def project_list(*, viewer=None):
    """Projects a viewer may see (everyone sees all but drafts; a purchaser also its own
    drafts), newest first, with the active sign-up count as ``signup_count``."""
    org = organisation_of(viewer)
    visible = Q(status__in=PUBLIC_STATUSES)
    if org is not None:
        visible |= Q(purchaser=org)
    return (
        Project.objects.filter(visible)
        .select_related("item", "purchaser", "region")
        .annotate(signup_count=Count("signups", filter=Q(signups__status=SignUp.Status.ACTIVE),
                                     distinct=True))
        .order_by("-published_at", "-created")
    )


def project_detail(*, pk, viewer=None) -> Project:
    """One project with everything its page shows. Drafts only for their purchaser."""
    try:
        project = (
            project_list(viewer=viewer)
            .select_related("approval_department", "created_by")
            .prefetch_related(
                "qualifications__entry", "documents",
                Prefetch("avoidances", queryset=Avoidance.objects.select_related("agency")),
                Prefetch("awards", queryset=project_awards_queryset()),
            )
            .get(pk=pk)
        )
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No such project.")) from exc
    return project


def project_awards_queryset():
    return Award.objects.select_related("agency").order_by("rank", "decided_at")


def signup_of(*, agency: Agency | None, project: Project) -> SignUp | None:
    if agency is None:
        return None
    return (SignUp.objects.filter(project=project, agency=agency)
            .prefetch_related("practitioners").first())


def is_following(*, agency: Agency | None, project: Project) -> bool:
    """Does ``agency`` follow ``project`` (关注, ``bidding.models.ProjectFollow``)?"""
    return agency is not None and ProjectFollow.objects.filter(agency=agency,
                                                               project=project).exists()


def agency_of_user(user) -> Agency | None:
    org = organisation_of(user)
    if org is None or org.kind != org.Kind.AGENCY:
        return None
    return Agency.objects.filter(organisation=org).select_related("partner").first()
