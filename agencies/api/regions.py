"""The regions of GB/T 2260 at every level (read only): what the region pickers'
script and integrators use to find a code. Current regions only unless ``retired=true``."""
from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, serializers

from core.api import StandardPagination
from core.models import Region
from core.widgets import RegionCodeFormField


class RegionOutputSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True,
                                   read_only=True, help_text=_("Code of the region above."))
    parent_name = serializers.CharField(source="parent.name", default=None, allow_null=True,
                                        read_only=True)
    retired = serializers.BooleanField(source="is_retired", read_only=True,
                                       help_text=_("The code was abolished (valid_until)."))

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "parent_name", "valid_from",
                  "valid_until", "retired"]
        read_only_fields = fields


class ParentField(RegionCodeFormField):
    """A parent given by code; abolished parents are accepted (to list what was under them)."""

    def clean(self, value):
        text = super(RegionCodeFormField, self).clean(value)
        if not text:
            return None
        region = Region.objects.filter(code=text).first()
        if region is None:
            raise forms.ValidationError(_("Unknown region code %(code)s.") % {"code": text})
        return region


class ParentFilter(django_filters.Filter):
    field_class = ParentField


class RegionApiFilter(django_filters.FilterSet):
    parent = ParentFilter(method="filter_parent", help_text=_(
        "Code of a region: only the regions directly under it (e.g. 420100)."))
    level = django_filters.ChoiceFilter(choices=Region.Level.choices)
    q = django_filters.CharFilter(method="filter_q", max_length=30,
                                  help_text=_("Part of the name, or the start of the code."))
    retired = django_filters.BooleanFilter(method="filter_retired", help_text=_(
        "true: abolished codes too (default: current regions only)."))

    class Meta:
        model = Region
        fields = ["parent", "level", "q", "retired"]

    def filter_parent(self, queryset, name, value):
        return queryset if value is None else queryset.filter(parent=value)

    def filter_q(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        if text.isdigit():
            return queryset.filter(code__startswith=text)
        return queryset.filter(name__contains=text)

    def filter_retired(self, queryset, name, value):
        return queryset  # applied in ``filter_queryset`` so the default holds without it

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("retired"):
            queryset = queryset.filter(valid_until__isnull=True)
        return queryset


@extend_schema_view(get=extend_schema(
    summary="Regions (GB/T 2260)", tags=["regions"], description=(
        "Provinces, cities and counties with their codes, parent and the years they were in "
        "use. Current regions only by default; `parent=420100` lists 武汉市's districts. "
        "Regions describe and route; they never exclude an agency from anything (R3).")))
class RegionList(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = RegionOutputSerializer
    filterset_class = RegionApiFilter
    pagination_class = StandardPagination
    queryset = Region.objects.select_related("parent").order_by("code")
