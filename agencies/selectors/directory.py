"""Reads of the agency registry: the public directory and the public profile.

Every function builds its rows with a fixed number of queries, whatever the number of agencies
(counts and fees are correlated subqueries; related rows are prefetched), so the directory makes
the same number of queries at 10 and at 50,000 agencies.

At 50,000 agencies (bench/directory.py) the directory also keeps each query's work bounded: it
sorts on values stored on the agency's row and indexed in that order (credit stars, lowest fee:
``agencies.signals`` keeps the fee), loads a page's rows by id (``DirectoryPaginator``), and
counts on partial indexes of listed agencies (``Agency.Meta.indexes``).
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from agencies.models import Agency, Practitioner, Qualification
from core.catalogue import Product, StockRecord

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
    return Subquery(offers.order_by("price").values("price")[:1])  # one index probe


def agency_directory_queryset(*, include_delisted: bool = False):
    """Public agencies with their region and the number of items they offer (``offer_count``),
    in the default order: credit stars first (R9), then name. Filter it with
    ``agencies.filters.AgencyFilter``."""
    qs = Agency.objects.select_related("region").annotate(
        offer_count=Coalesce(_offer_count_subquery(), Value(0)))
    if not include_delisted:
        qs = qs.filter(standing__in=LISTED_STANDINGS)
    return qs.order_by("-credit_stars", "name", "pk")


class DirectoryPaginator(Paginator):
    """Pages of the directory, whose rows carry a join and per-row subqueries (region,
    ``offer_count``): the page's ids are picked first by the filters and the order alone, then
    only those rows are loaded, in one statement. With a plain ``LIMIT .. OFFSET`` the database
    would compute the subqueries for every row it skips (4,000 at page 200)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        ids = rows.values("pk")[bottom:top]
        return self._get_page(rows.filter(pk__in=ids), number, self)


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
    """Headline figures for the directory page (one query, on an index alone): listed agencies
    (``total``) and those with five credit stars (``five_star``)."""
    return Agency.objects.filter(standing__in=LISTED_STANDINGS).aggregate(
        total=Count("*"), five_star=Count("credit_stars", filter=Q(credit_stars=5)))
