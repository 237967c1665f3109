"""Reads of posting reviews (bidding/models/reviews.py): the regulators' queue, the decisions,
the review a posting page and the project API show."""
from __future__ import annotations

from django.db.models import Prefetch

from bidding.models import PostingReview, ProjectQualification
from core.models import StatutoryQualification
from core.regions import within_region

Status = PostingReview.Status


def _with_project(qs):
    return qs.select_related("project__purchaser", "project__item", "requested_by",
                             "decided_by").prefetch_related(
        Prefetch("project__qualifications",
                 queryset=ProjectQualification.objects.select_related("entry")))


def review_queue(jurisdiction=None):
    """Reviews waiting for a regulator, oldest first; with ``jurisdiction`` (a Region) only
    postings located there or under it."""
    qs = PostingReview.objects.filter(status=Status.PENDING)
    if jurisdiction is not None:
        qs = qs.filter(within_region(jurisdiction, "project__region"))
    return _with_project(qs).order_by("created")


def recent_decisions(limit: int = 50, jurisdiction=None):
    """The latest decided reviews, newest first (within ``jurisdiction`` when given)."""
    qs = PostingReview.objects.filter(status__in=(Status.APPROVED, Status.REFUSED))
    if jurisdiction is not None:
        qs = qs.filter(within_region(jurisdiction, "project__region"))
    return _with_project(qs).order_by("-decided_at")[:limit]


def current_review(project) -> PostingReview | None:
    """The review a posting shows: the newest one not voided (pending, approved or refused)."""
    if project is None or project.pk is None:
        return None
    return (project.reviews.exclude(status=Status.VOIDED).select_related("decided_by")
            .order_by("-created").first())


def item_qualifications(item) -> list[StatutoryQualification]:
    """The qualifications the law requires for ``item``, in force first, then abolished."""
    if item is None:
        return []
    return sorted(StatutoryQualification.objects.filter(item=item),
                  key=lambda e: (e.abolished, e.name, e.grade))


def qualification_choices(first_item=None) -> list:
    """The select of a posting's qualification rows, grouped by item (the posting's item
    first): ``[(item title, [(entry id, label), …]), …]``. Abolished entries are not offered."""
    entries = (StatutoryQualification.objects.filter(abolished_by="")
               .select_related("item").order_by("item__title", "name", "grade"))
    groups: dict[int, tuple[str, list]] = {}
    for entry in entries:
        label = f"{entry} — {entry.legal_basis}"
        groups.setdefault(entry.item_id, (entry.item.title, []))[1].append((entry.pk, label))
    first = getattr(first_item, "pk", first_item)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] != first, kv[1][0]))
    return [(title, rows) for _pk, (title, rows) in ordered]

