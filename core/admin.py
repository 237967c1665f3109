"""The admin's read-only views of the ground floor (organisations, regions, the audit trail),
the working-day calendar regulators keep (R13), and the two bases every admin of ours uses:
``AuditedAdminMixin`` routes writes through one audited service, ``ReadOnlyAdmin`` allows none.
"""
from __future__ import annotations

from django.contrib import admin, messages

from core.errors import MarketplaceError
from core.models import AuditEvent, Holiday, Organisation, Region
from core.services.calendar import holiday_delete, holiday_save


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
