"""The admin regulators use to keep the public catalogue (R7) and the working-day calendar (R13).

Every write goes through one audited service (``marketplace.services``): ``AuditedAdminMixin``
replaces the admin's own ``save_model``/``save_related``/``delete_model`` with a call to the
service the admin class names. Oscar's default registrations of the catalogue models are
replaced, so there is no unaudited way to change an item in the admin. Organisations, regions
and the audit trail are read-only here.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .catalogue import (
    SERVICE_CLASS_SLUG,
    Category,
    Product,
    ProductAttributeValue,
    ProductCategory,
    item_attributes,
)
from .errors import MarketplaceError
from .forms import CategoryAdminForm, ServiceItemAdminForm
from .models import AuditEvent, Holiday, Organisation, Region
from .services import (
    catalogue_item_delete,
    catalogue_item_save,
    category_delete,
    category_save,
    holiday_delete,
    holiday_save,
)

admin.site.site_header = _("Intermediary-service marketplace: administration")
admin.site.site_title = _("Marketplace administration")
admin.site.index_title = _("Catalogue and calendar maintenance")


class AuditedAdminMixin:
    """Route the admin's writes through one audited service per model.

    Subclasses implement ``service_save(request, obj, form, change)`` (returning the saved
    object) and ``service_delete(request, obj)``. ``save_model`` does nothing by itself: the
    service runs in ``save_related`` once the whole form (many-to-many fields included) is
    known, writes the object, its relations and the audit event in one transaction, and
    updates ``form.instance`` in place so the admin's redirect finds the primary key.
    """

    def save_model(self, request, obj, form, change):
        pass  # the service saves everything in save_related

    def save_related(self, request, form, formsets, change):
        saved = self.service_save(request, form.instance, form, change)
        if saved is not form.instance:
            form.instance.pk = saved.pk
            form.instance.__dict__.update({k: v for k, v in saved.__dict__.items()
                                           if not k.startswith("_")})

    def delete_model(self, request, obj):
        try:
            self.service_delete(request, obj)
        except MarketplaceError as exc:
            messages.error(request, str(exc))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def service_save(self, request, obj, form, change):  # pragma: no cover - abstract
        raise NotImplementedError

    def service_delete(self, request, obj):  # pragma: no cover - abstract
        raise NotImplementedError


for model in (Product, Category, ProductAttributeValue, ProductCategory):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


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


@admin.register(Holiday)
class HolidayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        return holiday_save(actor=request.user, holiday=obj if change else None,
                            date=data["date"], is_working_day=data["is_working_day"],
                            name=data.get("name") or "")

    def service_delete(self, request, obj):
        holiday_delete(actor=request.user, holiday=obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never changed here (changes have their own audited services and pages)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "is_government", "uscc", "region", "created")
    list_filter = ("kind", "is_government")
    search_fields = ("name", "uscc")
    list_select_related = ("region",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail (R12): append-only; the admin can only read it."""

    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_id", "actor_label")
    readonly_fields = ("seq", "at", "actor", "actor_label", "action", "object_type",
                       "object_id", "data", "prev_hash", "hash")
    list_select_related = ("actor",)
    actions = None
