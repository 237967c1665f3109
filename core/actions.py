"""The audit action types of core with their labels (core.audit registry)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "purchaser.registered": _("Purchaser signed up"),
    "staff.created": _("Staff account created"),
    # The per-day calendar of before the imported schedules; kept for the events it left.
    "calendar.day_added": _("Calendar day added"),
    "calendar.day_changed": _("Calendar day changed"),
    "calendar.day_deleted": _("Calendar day deleted"),
    "calendar.schedule_imported": _("Holiday schedule imported"),
    "calendar.schedule_replaced": _("Holiday schedule replaced"),
    "calendar.schedule_deleted": _("Holiday schedule deleted"),
    "identity.linked": _("Portal identity linked"),
    "member.joined_through_portal": _("Member joined through the government-service portal"),
    "statutory_qualification.saved": _("Statutory qualification saved"),
    "statutory_qualification.deleted": _("Statutory qualification deleted"),
}
