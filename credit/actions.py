"""The audit action types of credit with their labels (core.audit registry). The moves of
sanctions and inspections are registered by their state machines (credit/models.py,
credit/models/inspections.py)."""
from django.utils.translation import gettext_lazy as _

from core.audit_rows import Fixed, Moved, register_audited

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
    "purchaser_credit.event_recorded": _("Purchaser credit event recorded"),
}

# The rows the trail describes and where each event keeps their audited fields: audit_verify
# compares them with the database (core/audit_rows.py).
register_audited("credit.creditevent", {
    "credit.event_recorded": {"agency": "agency", "kind": "kind", "source": "source",
                              "points": "points", "stars": "stars", "score_after": "score",
                              "voided": Fixed(False)},
    "credit.event_voided": {"voided": Fixed(True), "voided_reason": "reason"},
})
register_audited("credit.purchasercreditevent", {
    "purchaser_credit.event_recorded": {"purchaser": "purchaser", "kind": "kind",
                                        "source": "source", "points": "points",
                                        "stars": "stars", "score_after": "score"},
})
_SANCTION_CREATED = {"agency": "agency", "kind": "kind", "trigger": "trigger",
                     "ends_at": "ends_at", "blacklist_until": "blacklist_until"}
_SANCTION_CLOSED = {"status": Moved("status"), "close_reason": "reason"}
register_audited("credit.sanction", {
    "sanction.proposed": {**_SANCTION_CREATED, "status": Fixed("proposed")},
    "sanction.active": {**_SANCTION_CREATED, "status": Fixed("active")},
    "sanction.confirmed": {"status": Moved("status"), "ends_at": "ends_at",
                           "blacklist_until": "blacklist_until"},
    "sanction.revoked": _SANCTION_CLOSED,
    "sanction.lifted": _SANCTION_CLOSED,
    "sanction.expired": _SANCTION_CLOSED,
    "sanction.appealed": {"appeal_status": Fixed("pending"), "appeal_text": "text"},
    "sanction.appeal_decided": {
        "appeal_status": lambda data: "upheld" if data["upheld"] else "rejected",
        "appeal_decision": "decision"},
})
register_audited("agencies.agency", {"agency.standing_changed": {"standing": "to"}})
