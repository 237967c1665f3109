"""API views of the public catalogue of service items (R7)."""
from __future__ import annotations

import django_filters
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions

from agencies.selectors.directory import LISTED_STANDINGS
from core.api import StandardPagination
from core.catalogue import (
    FEE_GOVERNMENT,
    FEE_MARKET,
    ProductAttributeValue,
    ProductCategory,
    StockRecord,
    category_by_id_or_slug,
    service_items,
)
from marketplace.api.serializers import (
    ServiceItemDetailSerializer,
    ServiceItemSerializer,
)

FEE_TYPES = {"government": FEE_GOVERNMENT, "market": FEE_MARKET,
             FEE_GOVERNMENT: FEE_GOVERNMENT, FEE_MARKET: FEE_MARKET}


class ServiceItemFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        method="filter_category",
        help_text=gettext_lazy("Category id or slug; items of its sub-categories are included."))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=100,
                                  help_text=gettext_lazy("Words in the item's title."))
    fee_type = django_filters.ChoiceFilter(
        method="filter_fee_type",
        choices=[("government", gettext_lazy("Government-guided price")),
                 ("market", gettext_lazy("Market-set price")),
                 (FEE_GOVERNMENT, FEE_GOVERNMENT), (FEE_MARKET, FEE_MARKET)],
        help_text=gettext_lazy("`government` (政府指导价) or `market` (市场调节价)."))

    def filter_category(self, queryset, name, value):
        category = category_by_id_or_slug(value)
        in_tree = ProductCategory.objects.filter(category__path__startswith=category.path)
        return queryset.filter(pk__in=in_tree.values("product_id"))

    def filter_fee_type(self, queryset, name, value):
        with_fee_type = ProductAttributeValue.objects.filter(
            attribute__code="fee_type", value_option__option=FEE_TYPES[value])
        return queryset.filter(pk__in=with_fee_type.values("product_id"))


def service_items_with_counts():
    """Public service items annotated with the number of listed agencies offering each."""
    offers = (StockRecord.objects.filter(product=OuterRef("pk"),
                                         partner__agency__standing__in=LISTED_STANDINGS)
              .order_by().values("product").annotate(n=Count("pk")).values("n"))
    return service_items().annotate(
        agency_count=Coalesce(Subquery(offers, output_field=IntegerField()), Value(0)))


@extend_schema(tags=["catalogue"])
class ServiceItemList(generics.ListAPIView):
    """The public catalogue of retained intermediary service items (三张清单, R7)."""

    serializer_class = ServiceItemSerializer
    filterset_class = ServiceItemFilter
    pagination_class = StandardPagination
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return service_items_with_counts()


@extend_schema(tags=["catalogue"])
class ServiceItemDetail(generics.RetrieveAPIView):
    """One service item with every published attribute, its categories and agency count."""

    serializer_class = ServiceItemDetailSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return service_items_with_counts()
