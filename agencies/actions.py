"""The audit action types of agencies with their labels (core.audit registry)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "agency.registered": _("Agency registered"),
    "agency.updated": _("Agency profile changed"),
    "agency.offer_set": _("Offer listed or changed"),
    "agency.offer_removed": _("Offer removed"),
    "agency.qualification_added": _("Qualification added"),
    "agency.qualification_removed": _("Qualification removed"),
    "agency.practitioner_added": _("Practitioner added"),
    "agency.practitioner_removed": _("Practitioner removed"),
    "agency.paper_uploaded": _("Registration paper uploaded"),
    "agency.paper_dates_changed": _("Registration paper dates changed"),
    "agency.paper_withdrawn": _("Registration paper withdrawn"),
    "agency.subscription_added": _("Invitation subscription added"),
    "agency.subscription_removed": _("Invitation subscription removed"),
}
