"""Reads of the public catalogue ("三张清单", R7): items by category, one item with the agencies
offering it, the fee list, the agencies-per-item list. Every function returns querysets or
lists built with a fixed number of queries, whatever the number of items or agencies."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, Window
from django.db.models.functions import RowNumber

from agencies.models import Agency
from bidding.models import Project
from core.catalogue import (
    SERVICE_CLASS_SLUG,
    Category,
    Product,
    StockRecord,
    item_attributes,
    service_items,
)

LISTED = ("good", "warned")  # standings shown in public offer lists (suspended/expelled are not)


def _listed_offers():
    """Stock records of agencies that are publicly listed (R10: suspended/expelled are not)."""
    return StockRecord.objects.filter(partner__agency__standing__in=LISTED)


def _offer_count_filter():
    return Q(stockrecords__partner__agency__standing__in=LISTED)


def catalogue_items(*, query: str = "", category: Category | None = None):
    """Public items with categories, attribute values and the number of agencies offering each."""
    items = service_items().annotate(
        offer_count=Count("stockrecords", filter=_offer_count_filter(), distinct=True))
    if query:
        items = items.filter(title__icontains=query.strip())
    if category is not None:
        subtree = Category.get_tree(category)
        items = items.filter(categories__in=subtree).distinct()
    return items


@dataclass
class CategoryNode:
    category: Category
    depth: int
    item_count: int = 0
    items: list = field(default_factory=list)


def catalogue_tree(*, query: str = "") -> list[CategoryNode]:
    """Categories in tree order, each with its items (attributes prefetched) and item count.
    Items in several categories appear under each; counts include sub-categories. Three queries
    plus one for the categories, whatever the size of the catalogue."""
    categories = list(Category.objects.filter(is_public=True).order_by("path"))
    items = list(catalogue_items(query=query))
    by_category: dict[int, list] = defaultdict(list)
    for item in items:
        for cat in item.categories.all():
            by_category[cat.pk].append(item)
    nodes = []
    for cat in categories:
        node = CategoryNode(category=cat, depth=cat.depth, items=by_category.get(cat.pk, []))
        # subtree count: categories whose path starts with this one's
        seen = set()
        for other in categories:
            if other.path.startswith(cat.path):
                seen.update(i.pk for i in by_category.get(other.pk, []))
        node.item_count = len(seen)
        nodes.append(node)
    return nodes


def item_detail(pk: int) -> Product:
    """One public item with categories and attribute values prefetched (raises DoesNotExist)."""
    return service_items().get(pk=pk)


def item_offers(item: Product):
    """Offers on an item, five-star agencies first (R9), then the lower reference fee; agency,
    region and commitment fetched in the same query."""
    return (
        _listed_offers().filter(product=item)
        .select_related("partner__agency", "partner__agency__region", "terms")
        .order_by("-partner__agency__credit_stars", F("price").asc(nulls_last=True),
                  "partner__agency__name", "pk")
    )


@dataclass
class FeeRow:
    item: Product
    fee_standard: str
    fee_type: str
    offer_count: int
    fee_min: Decimal | None
    fee_median: Decimal | None
    fee_max: Decimal | None


def _medians(item_ids) -> dict[int, Decimal]:
    """Median reference fee per item in one query: rank the fees per item with a window
    function and keep the middle one or two (averaged)."""
    ranked = (
        _listed_offers().filter(product_id__in=item_ids, price__isnull=False)
        .annotate(
            rn=Window(RowNumber(), partition_by=[F("product_id")], order_by=[F("price").asc(),
                                                                            F("pk").asc()]),
            cnt=Window(Count("pk"), partition_by=[F("product_id")]),
        )
        .filter(rn__gte=(F("cnt") + 1) / 2, rn__lte=(F("cnt") + 2) / 2)
        .values_list("product_id", "price")
    )
    middle: dict[int, list[Decimal]] = defaultdict(list)
    for product_id, price in ranked:
        middle[product_id].append(price)
    return {pid: (sum(v) / len(v)).quantize(Decimal("0.01")) for pid, v in middle.items()}


def fee_list() -> list[FeeRow]:
    """Every public item with its fee standard, fee type and the min / median / max of the
    listed agencies' reference fees. Four queries whatever the size."""
    listed = Q(stockrecords__partner__agency__standing__in=LISTED)
    items = list(service_items().annotate(
        offer_count=Count("stockrecords", filter=listed, distinct=True),
        fee_min=Min("stockrecords__price", filter=listed),
        fee_max=Max("stockrecords__price", filter=listed),
    ))
    medians = _medians([i.pk for i in items])
    rows = []
    for item in items:
        attrs = item_attributes(item)
        rows.append(FeeRow(
            item=item, fee_standard=str(attrs.get("fee_standard", "") or ""),
            fee_type=str(attrs.get("fee_type", "") or ""), offer_count=item.offer_count,
            fee_min=item.fee_min, fee_median=medians.get(item.pk), fee_max=item.fee_max))
    return rows


def latest_items(limit: int = 6):
    return (Product.objects.filter(product_class__slug=SERVICE_CLASS_SLUG, is_public=True)
            .prefetch_related("categories").order_by("-date_created", "-pk")[:limit])


def public_counts() -> dict[str, int]:
    """Figures for the home page."""
    counts = {
        "items": Product.objects.filter(product_class__slug=SERVICE_CLASS_SLUG,
                                        is_public=True).count(),
        "agencies": Agency.objects.filter(standing__in=LISTED).count(),
        "offers": _listed_offers().filter(product__product_class__slug=SERVICE_CLASS_SLUG).count(),
    }
    counts["projects"] = Project.objects.exclude(status=Project.Status.DRAFT).count()
    return counts

