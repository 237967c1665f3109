"""The audit action types of credit with their labels (core.audit registry). The moves of
sanctions and inspections are registered by their state machines (credit/models.py,
credit/models/inspections.py)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "credit.event_recorded": _("Credit event recorded"),
    "credit.event_voided": _("Credit event voided"),
    "credit.recomputed": _("Credit scores recomputed"),
    "agency.standing_changed": _("Agency standing changed"),
    "agency.reinstated": _("Agency reinstated"),
    "agency.tie_reviewed": _("Government tie reviewed"),
    "sanction.proposed": _("Sanction proposed"),
    "sanction.active": _("Sanction in force"),
    "sanction.appealed": _("Sanction appealed"),
    "sanction.appeal_decided": _("Sanction appeal decided"),
    "inspection.announced": _("Inspection announced"),
    "inspector.added": _("Inspector added"),
}
