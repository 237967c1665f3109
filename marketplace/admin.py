"""The admin regulators use to keep the public catalogue (R7).

Every write goes through one audited service (``marketplace.services.catalogue``): ``AuditedAdminMixin``
(core/admin.py)
replaces the admin's own ``save_model``/``save_related``/``delete_model`` with a call to the
service the admin class names. Oscar's default registrations of the catalogue models are
replaced, so there is no unaudited way to change an item in the admin. The calendar, organisations,
regions and the audit trail are in core/admin.py.
"""
from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdminMixin
from core.catalogue import (
    SERVICE_CLASS_SLUG,
    Category,
    Product,
    ProductAttributeValue,
    ProductCategory,
    item_attributes,
)
from marketplace.forms import CategoryAdminForm, ServiceItemAdminForm
from marketplace.services.catalogue import (
    catalogue_item_delete,
    catalogue_item_save,
    category_delete,
    category_save,
)

admin.site.site_header = _("Intermediary-service marketplace: administration")
admin.site.site_title = _("Marketplace administration")
admin.site.index_title = _("Catalogue and calendar maintenance")


for model in (Product, Category, ProductAttributeValue, ProductCategory):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

# Oscar's shop apps (basket, order, offer, voucher, payment, shipping, wishlists, analytics…)
# stay installed only because the catalogue's code looks them up (marketplace/settings.py); the
# platform sells nothing, so their models leave the admin, which then lists what a regulator
# keeps. Oscar's catalogue is our public list of intermediary service items and is named so
# (its "Product" is a service item, 服务事项), in both languages.
for model in apps.get_models():
    if model._meta.app_config.name.startswith("oscar.") and admin.site.is_registered(model):
        admin.site.unregister(model)
apps.get_app_config("catalogue").verbose_name = _("Service catalogue")
if apps.is_installed("axes"):  # django-axes has no Chinese catalogue: its names are in ours
    apps.get_app_config("axes").verbose_name = _("Sign-in protection")
Product._meta.verbose_name = _("service item")
Product._meta.verbose_name_plural = _("service items")


class IsServiceItemFilter(admin.SimpleListFilter):
    title = _("public")
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [("1", _("Public")), ("0", _("Hidden"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(is_public=self.value() == "1")
        return queryset


@admin.register(Product)
class ServiceItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Intermediary service items: name, categories and the published attributes."""

    form = ServiceItemAdminForm
    list_display = ("title", "category_names", "legal_basis", "fee_type", "is_public",
                    "date_updated")
    list_filter = (IsServiceItemFilter, "categories")
    search_fields = ("title",)
    fieldsets = (
        (None, {"fields": ("title", "description", "item_categories", "is_public")}),
        (_("Published attributes (R7)"), {"fields": (
            "approval_item", "approval_department", "legal_basis", "implementing_authority",
            ("statutory_days", "committed_days"), "workflow", "conditions", "fee_standard",
            "fee_type", "remarks")}),
    )

    def get_queryset(self, request):
        return (super().get_queryset(request).filter(product_class__slug=SERVICE_CLASS_SLUG)
                .prefetch_related("categories", "attribute_values__attribute",
                                  "attribute_values__value_option"))

    @admin.display(description=_("Categories"))
    def category_names(self, obj):
        return "、".join(c.name for c in obj.categories.all())

    @admin.display(description=_("Legal basis"))
    def legal_basis(self, obj):
        text = str(item_attributes(obj).get("legal_basis", ""))
        return text if len(text) <= 40 else text[:40] + "…"

    @admin.display(description=_("Fee type"))
    def fee_type(self, obj):
        return str(item_attributes(obj).get("fee_type", "") or "")

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        return catalogue_item_save(
            actor=request.user, item=obj if change else None, title=data["title"],
            description=data.get("description") or "", categories=data.get("item_categories") or [],
            is_public=data.get("is_public", True), attributes=form.attribute_data())

    def service_delete(self, request, obj):
        catalogue_item_delete(actor=request.user, item=obj)


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ("indented_name", "is_public", "item_count")
    fields = ("name", "parent", "description", "is_public")
    search_fields = ("name",)
    ordering = ("path",)

    @admin.display(description=_("name"))
    def indented_name(self, obj):
        return ("— " * (obj.depth - 1)) + obj.name

    @admin.display(description=_("items"))
    def item_count(self, obj):
        return obj.product_set.count()

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        return category_save(
            actor=request.user, category=obj if change else None, name=data["name"],
            description=data.get("description") or "", is_public=data.get("is_public", True),
            parent=data.get("parent"))

    def service_delete(self, request, obj):
        category_delete(actor=request.user, category=obj)


