"""Agencies in the admin: read-only. Agencies (and regulators) change profiles on the site,
through ``agencies.services.registry``, which audits every change; the admin only shows them."""
from django.contrib import admin

from agencies.models import Agency, Practitioner, Qualification
from core.admin import ReadOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QualificationInline(ReadOnlyInline):
    model = Qualification
    fields = ("name", "grade", "number", "authority", "valid_until")


class PractitionerInline(ReadOnlyInline):
    model = Practitioner
    fields = ("name", "speciality", "certificate")


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "region", "credit_stars", "credit_grade", "standing",
                    "gov_tie_declared", "created")
    list_filter = ("standing", "credit_stars", "gov_tie_declared", "nature")
    search_fields = ("name", "uscc")
    list_select_related = ("region",)
    inlines = [QualificationInline, PractitionerInline]
