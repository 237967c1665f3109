"""The agency directory's filters (django-filter), shared by the directory page and the API.

``AgencyFilter`` works on any ``Agency`` queryset (use
``agencies.selectors.directory.agency_directory_queryset()`` for pages). It never filters by where an
agency is registered unless the user asks for a region (R1, R3): the region filter only narrows
a listing, it never decides eligibility. Every filter is an uncorrelated ``IN (subquery)``
(computed once, not per agency), so no filter multiplies rows and the query count stays fixed.
Agencies listing no region served carry ``serves_everywhere`` (kept by ``agencies.signals``), so
the region filter needs no anti-join over every agency's regions.
"""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from django.forms.utils import flatatt
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agencies.models import Agency, Qualification
from agencies.selectors.directory import min_fee_subquery
from core.catalogue import SERVICE_CLASS_SLUG, Category, Product, StockRecord
from core.models import Region
from core.regions import around_region, within_region
from core.widgets import RegionField

SORT_CREDIT = "credit"
SORT_CHOICES = [
    (SORT_CREDIT, _("Credit (five-star first)")),
    ("name", pgettext_lazy("agencies", "Name")),
    ("newest", pgettext_lazy("agencies", "Newest")),
    ("fee", _("Lowest reference fee")),
]


def _stars_label(n: int) -> str:
    return gettext("%(n)s stars or more") % {"n": n}


STAR_CHOICES = [(n, lazy(_stars_label, str)(n)) for n in (5, 4, 3, 2, 1)]

ServedRegion = Agency.service_regions.through


def public_items():
    return Product.objects.filter(product_class__slug=SERVICE_CLASS_SLUG,
                                  is_public=True).order_by("title")


class PlainSelect(forms.Select):
    """Django's ``<select>`` markup, written in Python: Django renders each option through two
    template includes, and the filters carry about a hundred options (items, categories,
    regions), which took a third of the directory page's rendering time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (str(option["value"]), mark_safe(" selected") if option["selected"] else "",
             option["label"])
            for _name, group, _index in widget["optgroups"] for option in group))
        return format_html('<select name="{}"{}>{}</select>', widget["name"],
                           flatatt(widget["attrs"]), options)


@extend_schema_field(OpenApiTypes.STR)
class RegionFilter(django_filters.Filter):
    """A region at any level, picked with the cascading selects (``core/widgets.py``)."""

    field_class = RegionField


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return "\u3000" * (obj.depth - 1) + obj.name


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


class AgencyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or credit code"), method="filter_q",
        widget=forms.TextInput(attrs={"type": "search",
                                      "placeholder": _("Agency name or credit code")}))
    item = django_filters.ModelChoiceFilter(
        label=_("Service item"), queryset=lambda request: public_items(), method="filter_item",
        empty_label=_("All items"), widget=PlainSelect)
    category = CategoryFilter(
        label=pgettext_lazy("agencies", "Category"), method="filter_category", empty_label=_("All categories"),
        queryset=lambda request: Category.objects.order_by("path"), widget=PlainSelect)
    region = RegionFilter(label=_("Region served"), method="filter_region",
                          empty_label=_("All regions"))
    qualification = django_filters.CharFilter(
        label=_("Qualification"), method="filter_qualification",
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 测绘资质")}))
    min_stars = django_filters.ChoiceFilter(
        label=_("Credit at least"), choices=STAR_CHOICES, method="filter_min_stars",
        empty_label=_("Any credit"), widget=PlainSelect)
    nature = django_filters.ChoiceFilter(label=_("Nature"), choices=Agency.Nature.choices,
                                         empty_label=_("Any nature"), widget=PlainSelect)
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES,
                                       method="filter_sort", empty_label=None,
                                       widget=PlainSelect)

    class Meta:
        model = Agency
        fields = ["q", "item", "category", "region", "qualification", "min_stars", "nature",
                  "sort"]

    # -- filters ------------------------------------------------------------------------------
    def filter_q(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        compact = text.replace(" ", "").upper()
        return queryset.filter(Q(name__icontains=text) | Q(uscc__startswith=compact))

    def filter_item(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(partner_id__in=StockRecord.objects.filter(product=value)
                               .values("partner_id"))

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(partner_id__in=StockRecord.objects.filter(
            product__categories__path__startswith=value.path).values("partner_id"))

    def filter_region(self, queryset, name, value):
        """Agencies that serve ``value``, at any level: registered there or anywhere under it,
        listing among the regions they serve ``value``, a region above it or one under it, or
        listing no region at all (``serves_everywhere``). Code prefixes make it one query with
        two indexed subqueries, whatever the depth."""
        if value is None:
            return queryset
        inside = Region.objects.filter(within_region(value)).values("pk")
        serving = ServedRegion.objects.filter(around_region(value, "region")).values("agency_id")
        return queryset.filter(Q(region__in=inside) | Q(serves_everywhere=True)
                               | Q(pk__in=serving))

    def filter_qualification(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        return queryset.filter(pk__in=Qualification.objects.filter(
            name__icontains=text).values("agency_id"))

    def filter_min_stars(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        return queryset.filter(credit_stars__gte=int(value))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in ``filter_queryset``

    @property
    def narrows(self) -> bool:
        """Whether a filter (not only the order) applies: if not, the listing is every listed
        agency and its count is the directory's headline total."""
        if not self.is_bound:
            return False
        self.form.is_valid()  # cleaned_data leaves invalid values out, as the filters do
        return any(value not in (None, "") for name, value in self.form.cleaned_data.items()
                   if name != "sort")

    # -- ordering -----------------------------------------------------------------------------
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or SORT_CREDIT
        if sort == "name":
            return queryset.order_by("name", "pk")
        if sort == "newest":
            return queryset.order_by("-created", "-pk")
        if sort == "fee":
            item = self.form.cleaned_data.get("item")
            if item is None:  # stored on the agency's row, and indexed in this order
                return queryset.order_by(F("lowest_fee").asc(nulls_last=True), "-credit_stars",
                                         "name", "pk")
            return queryset.annotate(min_fee=min_fee_subquery(item=item)).order_by(
                F("min_fee").asc(nulls_last=True), "-credit_stars", "name", "pk")
        return queryset.order_by("-credit_stars", "name", "pk")
