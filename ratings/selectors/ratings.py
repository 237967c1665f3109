"""Reads of ratings, with their joins, so pages never do N+1."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext_lazy as _

from core.regions import within_region
from ratings.models import DIMENSIONS, Rating, RatingAppeal

DIMENSION_LABELS = {
    "quality": _("Service quality"),
    "timeliness": _("Timeliness"),
    "attitude": _("Service attitude"),
    "fees": _("Fees"),
    "conduct": _("Professional conduct"),
}

_Q = Decimal("0.01")


def _round(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(_Q, ROUND_HALF_UP)


def ratings_counting(qs: QuerySet | None = None) -> QuerySet:
    """Ratings that count in averages and credit (everything but voided ones)."""
    return (qs if qs is not None else Rating.objects.all()).exclude(status=Rating.Status.VOIDED)


def rating_list_for_agency(*, agency) -> QuerySet:
    return (Rating.objects.filter(agency=agency)
            .select_related("award__project", "purchaser", "reply", "appeal")
            .order_by("-created"))


def rating_list_for_award(*, award) -> QuerySet:
    return (Rating.objects.filter(award=award)
            .select_related("award__project", "purchaser", "agency", "reply", "appeal"))


def rating_average_of(rating_values: dict) -> Decimal:
    return (Decimal(sum(rating_values.values())) / len(DIMENSIONS)).quantize(_Q, ROUND_HALF_UP)


def agency_rating_figures(*, agency) -> tuple[Decimal | None, int]:
    """(star average over the five dimensions, number of counting ratings) for an agency."""
    agg = ratings_counting(Rating.objects.filter(agency=agency)).aggregate(
        n=Count("id"), **{d: Avg(d) for d in DIMENSIONS})
    if not agg["n"]:
        return None, 0
    mean = sum(Decimal(str(agg[d])) for d in DIMENSIONS) / len(DIMENSIONS)
    return _round(mean), agg["n"]


@dataclass
class RatingSummary:
    count: int = 0
    voided: int = 0
    average: Decimal | None = None
    dimensions: list = field(default_factory=list)      # [(key, label, average, percent)]
    distribution: list = field(default_factory=list)    # [(stars, count, percent)] 5 → 1
    ratings: list = field(default_factory=list)


def agency_rating_summary(*, agency, limit: int = 20) -> RatingSummary:
    """What the agency profile shows: averages per dimension, the distribution of the rounded
    averages, and the newest ratings with replies (voided ones included, marked, not counted)."""
    ratings = list(rating_list_for_agency(agency=agency)[: max(limit, 0)])
    counting = ratings_counting(Rating.objects.filter(agency=agency))
    agg = counting.aggregate(n=Count("id"), **{d: Avg(d) for d in DIMENSIONS})
    summary = RatingSummary(count=agg["n"], ratings=ratings)
    summary.voided = Rating.objects.filter(agency=agency, status=Rating.Status.VOIDED).count()
    if agg["n"]:
        dims = []
        for d in DIMENSIONS:
            avg = _round(agg[d])
            dims.append((d, DIMENSION_LABELS[d], avg, int(avg * 20)))
        summary.dimensions = dims
        summary.average = _round(sum(Decimal(str(agg[d])) for d in DIMENSIONS) / len(DIMENSIONS))
        buckets = {s: 0 for s in range(1, 6)}
        for row in counting.values(*DIMENSIONS):
            star = int(rating_average_of(row).quantize(Decimal("1"), ROUND_HALF_UP))
            buckets[min(max(star, 1), 5)] += 1
        summary.distribution = [(s, buckets[s], round(100 * buckets[s] / agg["n"]))
                                for s in range(5, 0, -1)]
    return summary


def appeal_queue(jurisdiction=None) -> QuerySet:
    """Appeals awaiting a regulator's decision, oldest first; with ``jurisdiction`` (a Region)
    only those about agencies registered there or under it."""
    qs = RatingAppeal.objects.filter(status=RatingAppeal.Status.PENDING)
    if jurisdiction is not None:
        qs = qs.filter(within_region(jurisdiction, "rating__agency__region"))
    return (qs
            .select_related("rating__agency", "rating__purchaser", "rating__award__project")
            .order_by("created"))


def appeals_all(jurisdiction=None) -> QuerySet:
    qs = RatingAppeal.objects.all()
    if jurisdiction is not None:
        qs = qs.filter(within_region(jurisdiction, "rating__agency__region"))
    return (qs
            .select_related("rating__agency", "rating__purchaser", "rating__award__project")
            .order_by("-created"))
