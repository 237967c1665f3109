"""The notification kinds supervision emits (docs/architecture.md, "Notifications"), registered
by ``SupervisionConfig.ready``; the emitters are ``supervision/services/notices.py``. Who
complained is for the complainant and the regulators only (``supervision.see_complainant``):
no body names the complainant, and the party complained about is told only the public outcome."""
from django.utils.translation import gettext_lazy as _

from notifications.kinds import KindSpec

EVERYONE = ("purchaser", "agency", "approval", "regulator", "expert")

KINDS = {
    "complaint.received": KindSpec(
        title=_("New complaint to handle"),
        body=_("Complaint %(number)s about %(about)s was filed in your jurisdiction; accept or "
               "refuse it by %(accept_by)s."), roles=("regulator",)),
    "complaint.filed": KindSpec(
        title=_("Complaint received"),
        body=_("Your complaint %(number)s about %(about)s was received; the regulator accepts or "
               "refuses it by %(accept_by)s."), roles=EVERYONE),
    "complaint.accepted": KindSpec(
        title=_("Complaint accepted"),
        body=_("Your complaint %(number)s about %(about)s was accepted for handling; the "
               "decision is due by %(decide_by)s."), roles=EVERYONE),
    "complaint.not_accepted": KindSpec(
        title=_("Complaint not accepted"),
        body=_("Complaint %(number)s about %(about)s was not accepted: %(outcome)s"),
        roles=EVERYONE),
    "complaint.upheld": KindSpec(
        title=_("Complaint upheld"),
        body=_("Complaint %(number)s about %(about)s was upheld: %(outcome)s"), roles=EVERYONE),
    "complaint.dismissed": KindSpec(
        title=_("Complaint dismissed"),
        body=_("Complaint %(number)s about %(about)s was dismissed: %(outcome)s"),
        roles=EVERYONE),
}
