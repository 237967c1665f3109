"""Reads of online complaints: the public list of outcomes, a complainant's own, a regulator's
queue (its jurisdiction, soonest deadline first) with the working days left."""
from __future__ import annotations

from django.utils import timezone

from core.permissions import has_perm
from core.regions import within_region
from core.workdays import working_days_between
from supervision.models import Complaint
from supervision.selectors.workspace import jurisdiction_of

_RELATED = ("project", "agency", "region", "complainant_org")


def _jurisdiction(qs, area):
    return qs if area is None else qs.filter(within_region(area, "region"))


def public_complaints():
    """Decided complaints: the outcomes are public (who complained is not)."""
    return (Complaint.objects.select_related(*_RELATED)
            .filter(status__in=[Complaint.Status.UPHELD, Complaint.Status.DISMISSED,
                                Complaint.Status.NOT_ACCEPTED])
            .order_by("-decided_at", "-pk"))


def my_complaints(user):
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.select_related(*_RELATED).filter(complainant=user)


def open_complaints(user):
    """The open complaints of the regulator's jurisdiction (received or being handled)."""
    return _jurisdiction(Complaint.objects.filter(status__in=Complaint.OPEN),
                         jurisdiction_of(user))


def complaint_queue(user, *, now=None):
    """The open complaints of the regulator's jurisdiction, each with ``days_left`` (working
    days to its next deadline: acceptance, then decision) and ``overdue``."""
    now = now or timezone.now()
    rows = list(open_complaints(user).select_related(*_RELATED).order_by("decide_by", "pk"))
    for c in rows:
        due = c.accept_by if c.status == Complaint.Status.RECEIVED else c.decide_by
        c.due = due
        c.days_left = working_days_between(now, due)
        c.overdue = due < now
    return rows


def complaint_detail(pk: int) -> Complaint | None:
    return Complaint.objects.select_related(*_RELATED, "handled_by").filter(pk=pk).first()


def visible_to(user, complaint: Complaint) -> bool:
    """Decided complaints are public; an open one is for its complainant and the regulators."""
    return complaint.is_decided or has_perm(user, "supervision.see_complainant", complaint)

