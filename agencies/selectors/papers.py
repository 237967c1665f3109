"""Reads of registration papers: an agency's papers with their expiry state, the papers
expiring soon (the reminders on the agency's page and in the regulator's workspace; issue 11
sends notifications from ``papers_expiring``), and the qualifications with the expiry their
certificates give them (``bidding/eligibility.py``)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from agencies.models import Agency, Paper, Qualification


def papers_of(agency: Agency, *, include_withdrawn: bool = False) -> QuerySet[Paper]:
    """``agency``'s papers, newest first, with the qualification each proves."""
    papers = Paper.objects.filter(agency=agency).select_related("qualification")
    return papers if include_withdrawn else papers.filter(withdrawn=False)


def paper_of(agency_id: int, paper_id: int) -> Paper | None:
    """One paper of an agency that is not withdrawn (``None`` otherwise)."""
    return (Paper.objects.filter(agency_id=agency_id, pk=paper_id, withdrawn=False)
            .select_related("agency").first())


def papers_expiring(*, days: int | None = None, today: dt.date | None = None,
                    agency: Agency | None = None) -> QuerySet[Paper]:
    """Papers not withdrawn whose expiry falls within the next ``days`` days (today included;
    ``PAPER_EXPIRY_WARNING_DAYS`` by default), soonest first, with their agency."""
    today = today or timezone.localdate()
    if days is None:
        days = settings.MARKETPLACE["PAPER_EXPIRY_WARNING_DAYS"]
    papers = (Paper.objects.filter(withdrawn=False, expires_on__gte=today,
                                   expires_on__lte=today + dt.timedelta(days=days))
              .select_related("agency").order_by("expires_on", "pk"))
    return papers.filter(agency=agency) if agency is not None else papers


def qualifications_with_paper_expiry(agency: Agency) -> QuerySet[Qualification]:
    """``agency``'s qualifications, each annotated with ``paper_count`` (its certificates not
    withdrawn) and ``papers_until`` (the latest expiry among them), in one query."""
    active = Q(papers__withdrawn=False)
    return Qualification.objects.filter(agency=agency).annotate(
        paper_count=Count("papers", filter=active),
        papers_until=Max("papers__expires_on", filter=active))
