"""The admin's read-only views of the ground floor (organisations, regions, the audit trail),
the holiday schedules regulators import (R13), the catalogue's statutory qualifications (R3),
and the two bases every admin of ours uses:
``AuditedAdminMixin`` routes writes through one audited service, ``ReadOnlyAdmin`` allows none.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.catalogue import SERVICE_CLASS_SLUG, Product
from core.errors import MarketplaceError, ValidationFailed
from core.models import AuditEvent, HolidaySchedule, Organisation, Region, StatutoryQualification
from core.services.calendar import format_days, holiday_schedule_delete, holiday_schedule_import
from core.services.qualifications import (
    statutory_qualification_delete,
    statutory_qualification_save,
)


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
    readonly_fields = ("seq", "stream", "stream_seq", "at", "actor", "actor_label", "action",
                       "object_type", "object_id", "data", "prev_hash", "hash")
    list_select_related = ("actor",)
    actions = None


# --- the holiday schedules (R13) -----------------------------------------------------------------
class HolidayScheduleForm(forms.Form):
    """The State Council's notice for one year, as published: the service checks the dates."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1901, max_value=2099)
    document = forms.CharField(label=gettext_lazy("Document number"), max_length=200,
                               help_text=gettext_lazy("e.g. 国办发明电〔2027〕1号"))
    published_on = forms.DateField(label=gettext_lazy("Published on"),
                                   help_text=gettext_lazy("YYYY-MM-DD"))
    holidays = forms.CharField(
        label=gettext_lazy("Holidays"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("Every day off of the notice, weekends inside a break included: "
                               "dates YYYY-MM-DD or ranges YYYY-MM-DD..YYYY-MM-DD, separated by "
                               "commas or new lines."))
    workdays = forms.CharField(
        label=gettext_lazy("Make-up working days"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy("The Saturdays and Sundays the notice makes working days (调休)."))


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    """One page imports a schedule and re-imports it (replace); both call
    ``core/services/calendar.py::holiday_schedule_import``, whose refusals are shown on their
    fields. Deleting goes through ``holiday_schedule_delete``."""

    list_display = ("year", "document", "published_on", "imported_at")
    ordering = ("-year",)

    def add_view(self, request, form_url="", extra_context=None):
        return self._import_view(request, None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        schedule = self.get_object(request, object_id)
        if schedule is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return self._import_view(request, schedule)

    def _import_view(self, request, schedule):
        allowed = (self.has_add_permission(request) if schedule is None
                   else self.has_change_permission(request, schedule))
        if not allowed:
            raise PermissionDenied
        form = HolidayScheduleForm(request.POST or None, initial=self._initial(schedule))
        if schedule is not None:
            form.fields["year"].disabled = True
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                holiday_schedule_import(
                    actor=request.user, year=data["year"], document=data["document"],
                    published_on=data["published_on"], holidays=data["holidays"],
                    workdays=data["workdays"], replace=schedule is not None)
            except ValidationFailed as exc:
                for field, msgs in (exc.fields or {"holidays": [str(exc)]}).items():
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, msg)
            else:
                messages.success(request, _("The holiday schedule for %(year)s was imported.")
                                 % {"year": data["year"]})
                return redirect(reverse("admin:core_holidayschedule_changelist"))
        title = (_("Import a holiday schedule") if schedule is None
                 else _("Replace the holiday schedule for %(year)s") % {"year": schedule.year})
        return TemplateResponse(request, "admin/core/holidayschedule/import.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": title,
            "form": form, "original": schedule,
            "has_delete_permission": schedule is not None
            and self.has_delete_permission(request, schedule),
        })

    @staticmethod
    def _initial(schedule) -> dict:
        if schedule is None:
            return {}
        days = list(schedule.days.values_list("date", "is_working_day"))
        return {"year": schedule.year, "document": schedule.document,
                "published_on": schedule.published_on,
                "holidays": format_days(d for d, working in days if not working),
                "workdays": format_days(d for d, working in days if working)}

    def delete_model(self, request, obj):
        try:
            holiday_schedule_delete(actor=request.user, schedule=obj)
        except MarketplaceError as exc:
            messages.error(request, str(exc))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# --- the catalogue's statutory qualifications (R3) ------------------------------------------------
class StatutoryQualificationForm(forms.ModelForm):
    class Meta:
        model = StatutoryQualification
        fields = ["item", "name", "grade", "legal_basis", "authority", "abolished_by",
                  "abolished_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Product.objects.filter(
            product_class__slug=SERVICE_CLASS_SLUG).order_by("title")


class AbolishedFilter(admin.SimpleListFilter):
    title = gettext_lazy("in force")
    parameter_name = "abolished"

    def lookups(self, request, model_admin):
        return [("0", gettext_lazy("In force")), ("1", gettext_lazy("Abolished"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.exclude(abolished_by="")
        if self.value() == "0":
            return queryset.filter(abolished_by="")
        return queryset


@admin.register(StatutoryQualification)
class StatutoryQualificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """What each catalogue item's postings may ask for: the qualification, its grade, the law
    and article that require it and who issues it. An abolished one is kept, marked with the
    abolishing decision and date, and can no longer be picked. Writes go through
    ``core/services/qualifications.py``; a refusal is shown on its field."""

    form = StatutoryQualificationForm
    list_display = ("name", "grade", "item", "legal_basis", "authority", "abolished_by",
                    "abolished_on")
    list_filter = (AbolishedFilter,)
    search_fields = ("name", "item__title", "legal_basis")
    list_select_related = ("item",)

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        return statutory_qualification_save(
            actor=request.user, entry=obj if change else None, item=data["item"],
            name=data["name"], grade=data.get("grade", ""), legal_basis=data["legal_basis"],
            authority=data["authority"], abolished_by=data.get("abolished_by", ""),
            abolished_on=data.get("abolished_on"))

    def service_delete(self, request, obj):
        statutory_qualification_delete(actor=request.user, entry=obj)

    def _changeform_view(self, request, object_id, form_url, extra_context):
        try:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        except ValidationFailed as exc:
            messages.error(request, str(exc))
            return redirect(request.get_full_path())
