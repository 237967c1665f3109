"""Read-only admin views of the ledger and sanctions: changes go through the services (and the
regulator pages), so the audit trail and the stored score stay right."""
from django.contrib import admin

from core.admin import ReadOnlyAdmin
from credit.models import CreditEvent, Sanction


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "agency", "kind", "source", "points", "stars", "voided",
                    "rule_version"]
    list_filter = ["kind", "source", "voided", "rule_version"]
    search_fields = ["agency__name", "agency__uscc", "reason"]
    list_select_related = ["agency"]
    date_hierarchy = "occurred_at"


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ["created", "agency", "kind", "status", "trigger", "ends_at",
                    "blacklist_until", "appeal_status"]
    list_filter = ["kind", "status", "trigger", "appeal_status"]
    search_fields = ["agency__name", "agency__uscc", "reason"]
    list_select_related = ["agency"]
