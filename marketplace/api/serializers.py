"""Serializers of the catalogue API: the public service items (R7)."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.catalogue import (
    ATTRIBUTES,
    FEE_GOVERNMENT,
    FEE_MARKET,
    Category,
    Product,
    item_attributes,
)

FEE_TYPE_CODES = {FEE_GOVERNMENT: "government", FEE_MARKET: "market"}


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


def _attributes(item: Product) -> dict:
    """Attribute values of an item, computed once per item from its prefetched values."""
    cache = getattr(item, "_api_attributes", None)
    if cache is None:
        cache = item._api_attributes = item_attributes(item)
    return cache


@extend_schema_field({"type": "string", "nullable": True})
class TextAttributeField(serializers.Field):
    """One published column of a catalogue item (read only; ``null`` when not filled in)."""

    def __init__(self, code: str, **kwargs):
        self.code = code
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, item):
        value = _attributes(item).get(self.code)
        return None if value is None else str(value)


@extend_schema_field({"type": "integer", "nullable": True})
class IntegerAttributeField(TextAttributeField):
    def to_representation(self, item):
        value = _attributes(item).get(self.code)
        return None if value is None else int(value)


class ServiceItemSerializer(serializers.ModelSerializer):
    """A catalogue item with the published columns of the "三张清单" (R7). Attribute keys are in
    English; values are the catalogue's own (Chinese) text."""

    categories = CategorySerializer(many=True, read_only=True)
    agency_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of listed agencies offering this item."))
    approval_item = TextAttributeField("approval_item", help_text="涉及的审批事项 (approval served)")
    approval_department = TextAttributeField("approval_department",
                                             help_text="审批部门 (approval department)")
    legal_basis = TextAttributeField("legal_basis", help_text="设定依据 (legal basis)")
    implementing_authority = TextAttributeField(
        "implementing_authority", help_text="中介服务实施机构 (who may perform the service)")
    statutory_days = IntegerAttributeField(
        "statutory_days", help_text="法定办理时限 (statutory time limit, working days)")
    committed_days = IntegerAttributeField(
        "committed_days", help_text="承诺办理时限 (committed time limit, working days)")
    workflow = TextAttributeField("workflow", help_text="办理流程 (workflow)")
    conditions = TextAttributeField("conditions", help_text="申报条件 (application conditions)")
    fee_standard = TextAttributeField("fee_standard", help_text="收费标准 (fee standard)")
    fee_type = TextAttributeField("fee_type", help_text="收费方式: 政府指导价 or 市场调节价")
    remarks = TextAttributeField("remarks", help_text="备注 (remarks)")
    page_url = serializers.SerializerMethodField(help_text=_("Path of the public item page."))
    fee_type_code = serializers.SerializerMethodField(
        help_text=_("`government` (government-guided price) or `market` (market-set price)."))

    class Meta:
        model = Product
        fields = ["id", "title", "categories",
                  *[code for code, _label, _kind in ATTRIBUTES], "fee_type_code", "agency_count",
                  "page_url"]

    def get_page_url(self, item: Product) -> str:
        return reverse("catalogue-item", args=[item.pk])

    @extend_schema_field(serializers.ChoiceField(choices=["government", "market"],
                                                 allow_null=True))
    def get_fee_type_code(self, item: Product) -> str | None:
        value = _attributes(item).get("fee_type")
        return FEE_TYPE_CODES.get(str(value)) if value is not None else None


class ServiceItemDetailSerializer(ServiceItemSerializer):
    class Meta(ServiceItemSerializer.Meta):
        fields = [*ServiceItemSerializer.Meta.fields[:2], "description",
                  *ServiceItemSerializer.Meta.fields[2:]]
