"""Reads of the agency registry: the public directory and the public profile.

Every function builds its rows with a fixed number of queries, whatever the number of agencies
(counts and fees are correlated subqueries; related rows are prefetched), so the directory makes
the same number of queries at 10 and at 50,000 agencies.
"""
from __future__ import annotations

from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from marketplace.catalogue import Product, StockRecord

from .models import Agency, Practitioner, Qualification

# Standings shown in public listings (R10: suspended and expelled agencies are delisted; their
# profiles stay reachable and show the sanction). Same set as the catalogue's offer lists.
LISTED_STANDINGS = (Agency.Standing.GOOD, Agency.Standing.WARNED)


def _offer_count_subquery():
    return Subquery(
        StockRecord.objects.filter(partner_id=OuterRef("partner_id"))
        .order_by().values("partner_id").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def min_fee_subquery(*, item: Product | None = None):
    """The agency's lowest reference fee (on ``item`` if given) as a correlated subquery."""
    offers = StockRecord.objects.filter(partner_id=OuterRef("partner_id"), price__isnull=False)
    if item is not None:
        offers = offers.filter(product=item)
    return Subquery(offers.order_by().values("partner_id").annotate(m=Min("price"))
                    .values("m")[:1])


def agency_directory_queryset(*, include_delisted: bool = False):
    """Public agencies with their region and the number of items they offer (``offer_count``),
    in the default order: credit stars first (R9), then name. Filter it with
    ``agencies.filters.AgencyFilter``."""
    qs = Agency.objects.select_related("region").annotate(
        offer_count=Coalesce(_offer_count_subquery(), Value(0)))
    if not include_delisted:
        qs = qs.filter(standing__in=LISTED_STANDINGS)
    return qs.order_by("-credit_stars", "name", "pk")


def agency_profile_queryset():
    """Agencies with everything the public profile shows: region, regions served, offers (item,
    reference fee, commitment), qualifications and practitioners. Six queries for one agency."""
    offers = (StockRecord.objects.select_related("product", "terms")
              .order_by("product__title", "pk"))
    return (
        Agency.objects.select_related("region", "organisation", "partner")
        .prefetch_related(
            Prefetch("service_regions"),
            Prefetch("partner__stockrecords", queryset=offers, to_attr="offer_list"),
            Prefetch("qualifications", queryset=Qualification.objects.order_by("name", "pk")),
            Prefetch("practitioners", queryset=Practitioner.objects.order_by("name", "pk")),
        )
    )


def agency_profile(*, pk: int) -> Agency:
    """One agency for its public profile (raises ``Agency.DoesNotExist``)."""
    return agency_profile_queryset().get(pk=pk)


def agency_of_user(user) -> Agency | None:
    """The agency the user is a member of, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (Agency.objects.filter(organisation__members__user=user)
            .select_related("region").first())


def offers_of(agency: Agency):
    """The agency's offers (stock records) with item and terms, by item title."""
    return (StockRecord.objects.filter(partner_id=agency.partner_id)
            .select_related("product", "terms").order_by("product__title", "pk"))


def directory_counts() -> dict:
    """Headline figures for the directory page (one query)."""
    return Agency.objects.aggregate(
        total=Count("pk", filter=Q(standing__in=LISTED_STANDINGS)),
        five_star=Count("pk", filter=Q(standing__in=LISTED_STANDINGS, credit_stars=5)))
