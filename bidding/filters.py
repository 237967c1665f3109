"""Filters of the project list, shared by the page and the API (django-filter)."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from bidding.models import Project
from core.catalogue import service_items
from core.regions import within_region
from core.roles import organisation_of
from core.widgets import RegionField


def _item_queryset(request=None):
    return service_items().prefetch_related(None)


@extend_schema_field(OpenApiTypes.STR)
class RegionFilter(django_filters.Filter):
    """A region at any level (the cascading selects of ``core/widgets.py``; the API gives its
    code, ``region=420100``)."""

    field_class = RegionField


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"),
        widget=forms.TextInput(attrs={
            "type": "search", "placeholder": _("Project name, investment code or case no.")}))
    item = django_filters.ModelChoiceFilter(queryset=_item_queryset, label=_("Service item"),
                                            empty_label=_("All items"))
    status = django_filters.ChoiceFilter(choices=Project.Status.choices, label=_("Status"),
                                         empty_label=_("All statuses"))
    method = django_filters.ChoiceFilter(choices=Project.Method.choices,
                                         label=_("Selection method"), empty_label=_("All methods"))
    region = RegionFilter(method="filter_region", label=_("Region"),
                          empty_label=_("All regions"))
    published_after = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__gte", label=_("Published from"),
        widget=forms.DateInput(attrs={"type": "date"}))
    published_before = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__lte", label=_("Published until"),
        widget=forms.DateInput(attrs={"type": "date"}))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Only my projects"),
                                        widget=forms.CheckboxInput)

    class Meta:
        model = Project
        fields = ["q", "item", "status", "method", "region", "published_after",
                  "published_before", "mine"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(investment_code__icontains=value)
                               | Q(approval_case_no__icontains=value))

    def filter_region(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(within_region(value, "region"))  # there, or any level under it

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        org = organisation_of(getattr(self.request, "user", None))
        if org is None:
            return queryset.none()
        if org.kind == org.Kind.AGENCY:
            return queryset.filter(signups__agency__organisation=org).distinct()
        return queryset.filter(purchaser=org)
