"""Reads of the agencies' ratings of purchasers and of the public purchaser page (two-sided
accountability, docs/design.md R9), with their joins."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext_lazy as _

from bidding.models import Project
from bidding.selectors.projects import PUBLIC_STATUSES
from core.errors import NotFound
from core.models import Organisation
from credit.selectors.purchasers import PurchaserCreditView, purchaser_credit_view
from ratings.models import PURCHASER_DIMENSIONS, PurchaserRating

PURCHASER_DIMENSION_LABELS = {
    "clarity": _("Clear requirements"),
    "cooperation": _("Timely cooperation"),
    "fairness": _("Fair acceptance"),
    "payment": _("Timely payment"),
}

_Q = Decimal("0.01")


def purchaser_ratings_of(*, purchaser) -> QuerySet:
    return (PurchaserRating.objects.filter(purchaser=purchaser)
            .select_related("award__project", "agency", "reply").order_by("-created"))


def purchaser_rating_for_award(*, award) -> PurchaserRating | None:
    return (PurchaserRating.objects.select_related("award__project", "agency", "purchaser",
                                                   "reply")
            .filter(award=award).first())


@dataclass
class PurchaserPage:
    purchaser: Organisation
    credit: PurchaserCreditView
    projects: list
    ratings: list
    rating_count: int = 0
    rating_average: Decimal | None = None
    dimensions: list = field(default_factory=list)  # [(key, label, average)]


def purchaser_public(pk: int) -> Organisation:
    """The purchaser organisation ``pk`` (404 for anything else)."""
    org = (Organisation.objects.select_related("region")
           .filter(pk=pk, kind=Organisation.Kind.PURCHASER).first()) if 0 < pk < 2**63 else None
    if org is None:
        raise NotFound(_("No such purchaser."))
    return org


def purchaser_page(purchaser: Organisation, *, limit: int = 50) -> PurchaserPage:
    """What the public purchaser page and its API show: name and region (no contact data), the
    projects in public states, the credit with its events, the agencies' ratings."""
    projects = list(Project.objects.filter(purchaser=purchaser, status__in=PUBLIC_STATUSES)
                    .select_related("item", "region").order_by("-published_at", "-pk")[:limit])
    ratings = list(purchaser_ratings_of(purchaser=purchaser)[:limit])
    agg = PurchaserRating.objects.filter(purchaser=purchaser).aggregate(
        n=Count("id"), **{d: Avg(d) for d in PURCHASER_DIMENSIONS})
    page = PurchaserPage(purchaser=purchaser, credit=purchaser_credit_view(purchaser),
                         projects=projects, ratings=ratings, rating_count=agg["n"])
    if agg["n"]:
        averages = {d: Decimal(str(agg[d])) for d in PURCHASER_DIMENSIONS}
        page.dimensions = [(d, PURCHASER_DIMENSION_LABELS[d], averages[d].quantize(
            _Q, ROUND_HALF_UP)) for d in PURCHASER_DIMENSIONS]
        page.rating_average = (sum(averages.values()) / len(averages)).quantize(
            _Q, ROUND_HALF_UP)
    return page
