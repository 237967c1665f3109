"""Catalogue glue: our thin layer over Oscar's catalogue and partner models (docs/design.md §4,
"Oscar is the shelf"). Service items are Oscar products of one product class; their published
attributes (the "三张清单" columns, R7) are Oscar product attributes; each agency is an Oscar
partner and its offer on an item is a stock record whose price is its reference fee.

Other apps import models from here instead of using Oscar's ``get_model`` indirection.
"""
from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.models import (  # noqa: F401  (re-exported)
    AttributeOption,
    AttributeOptionGroup,
    Category,
    Product,
    ProductAttribute,
    ProductAttributeValue,
    ProductCategory,
    ProductClass,
)
from oscar.apps.partner.models import Partner, StockRecord  # noqa: F401  (re-exported)

from core.errors import ValidationFailed

SERVICE_CLASS_SLUG = "intermediary-service"
SERVICE_CLASS_NAME = "中介服务事项"

FEE_GOVERNMENT = "政府指导价"
FEE_MARKET = "市场调节价"
FEE_TYPE_GROUP = "收费方式"

# (code, Chinese name shown to people, Oscar attribute type)
ATTRIBUTES: list[tuple[str, str, str]] = [
    ("approval_item", "涉及的审批事项", ProductAttribute.TEXT),
    ("approval_department", "审批部门", ProductAttribute.TEXT),
    ("legal_basis", "设定依据", ProductAttribute.RICHTEXT),
    ("implementing_authority", "中介服务实施机构", ProductAttribute.TEXT),
    ("statutory_days", "法定办理时限（工作日）", ProductAttribute.INTEGER),
    ("committed_days", "承诺办理时限（工作日）", ProductAttribute.INTEGER),
    ("workflow", "办理流程", ProductAttribute.RICHTEXT),
    ("conditions", "申报条件", ProductAttribute.RICHTEXT),
    ("fee_standard", "收费标准", ProductAttribute.RICHTEXT),
    ("fee_type", "收费方式", ProductAttribute.OPTION),
    ("remarks", "备注", ProductAttribute.RICHTEXT),
]
ATTRIBUTE_LABELS = {code: label for code, label, _type in ATTRIBUTES}

# The same columns as translatable page labels (Chinese by default, English when switched).
ATTRIBUTE_DISPLAY = {
    "approval_item": _("Approval it serves"),
    "approval_department": _("Approval department"),
    "legal_basis": _("Legal basis"),
    "implementing_authority": _("Who may perform it"),
    "statutory_days": _("Statutory time limit (working days)"),
    "committed_days": _("Committed time limit (working days)"),
    "workflow": _("Workflow"),
    "conditions": _("Application conditions"),
    "fee_standard": _("Fee standard"),
    "fee_type": _("Fee type"),
    "remarks": _("Remarks"),
}

DEFAULT_REMARK = ("申请人可按要求自行编制，也可委托有关机构编制，审批部门不得以任何形式要求申请人"
                  "必须委托特定中介机构提供服务。")

NOT_ROUTED_NOTE = _("Oscar's basket and checkout are not used: selection happens in projects.")


def service_class() -> ProductClass:
    """The product class of intermediary service items, with its attributes (idempotent)."""
    product_class, _created = ProductClass.objects.get_or_create(
        slug=SERVICE_CLASS_SLUG,
        defaults={"name": SERVICE_CLASS_NAME, "requires_shipping": False, "track_stock": False},
    )
    group, _ = AttributeOptionGroup.objects.get_or_create(name=FEE_TYPE_GROUP)
    for option in (FEE_GOVERNMENT, FEE_MARKET):
        AttributeOption.objects.get_or_create(group=group, option=option)
    for code, name, kind in ATTRIBUTES:
        ProductAttribute.objects.get_or_create(
            product_class=product_class, code=code,
            defaults={"name": name, "type": kind,
                      "option_group": group if kind == ProductAttribute.OPTION else None},
        )
    return product_class


def service_items():
    """Public service items with their categories and attribute values, ready for listing."""
    return (
        Product.objects.filter(product_class__slug=SERVICE_CLASS_SLUG, is_public=True)
        .prefetch_related(
            "categories",
            Prefetch("attribute_values",
                     queryset=ProductAttributeValue.objects.select_related("attribute",
                                                                           "value_option")),
        )
        .order_by("title")
    )


def item_attributes(product: Product) -> dict[str, object]:
    """``{code: value}`` for an item, from prefetched attribute values (no extra queries)."""
    values = {}
    for value in product.attribute_values.all():
        values[value.attribute.code] = value.value
    return values


def item_attribute_display(product: Product) -> list[tuple[str, str, object]]:
    """``[(code, translated label, value)]`` in column order (prefetched values, no queries)."""
    values = item_attributes(product)
    return [(code, ATTRIBUTE_DISPLAY[code], values.get(code, "")) for code, _l, _t in ATTRIBUTES]


def offer_sku(agency_id: int, product_id: int) -> str:
    return f"A{agency_id}-S{product_id}"


def category_by_id_or_slug(value: str) -> Category:
    """The category with this id (digits) or slug; refuse an unknown one with a clear message."""
    value = (value or "").strip()
    found = None
    if value.isdigit() and len(value) < 10:
        found = Category.objects.filter(pk=int(value)).first()
    if found is None:
        found = Category.objects.filter(slug=value[:255]).first()
    if found is None:
        raise ValidationFailed(gettext("No catalogue category with this id or slug."),
                               field="category")
    return found
