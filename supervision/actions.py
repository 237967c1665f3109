"""The audit action types of supervision (core.audit registry). The moves of a complaint are
declared with ``Complaint.transitions`` (supervision/models.py) and registered from there."""
from django.utils.translation import gettext_lazy as _

from core.audit_rows import Moved, register_audited

ACTIONS = {
    "complaint.filed": _("Complaint filed"),
}

register_audited("supervision.complaint", {
    "complaint.filed": {"subject": "subject", "category": "category", "project": "project",
                        "agency": "agency", "complainant": "complainant"},
    "complaint.accepted": {"status": Moved("status")},
    "complaint.not_accepted": {"status": Moved("status"), "outcome": "outcome"},
    "complaint.decided": {"status": Moved("status"), "outcome": "outcome", "remedy": "remedy"},
})
