"""Who may change an agency's profile, offers, qualifications and practitioners: the permissions
of agencies, built from core/permissions.py's predicates. The write services require them, the
profile and "我的机构" pages show their buttons with ``{% can %}`` and the API asks ``has_perm`` —
one rule for all three (docs/conventions.md, "Permissions")."""
from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_regulator
from core.roles import organisation_of

EDIT_AGENCY = "agencies.edit_agency"


@rules.predicate
def is_agency_member(user, agency) -> bool:
    """``user`` belongs to ``agency``'s own organisation."""
    if agency is None:
        return False
    org = organisation_of(user)
    return org is not None and org.pk == agency.organisation_id


# Only the agency's own members: a regulator corrects nothing behind the agency's back; it
# supervises through sanctions and inspections, which are audited and notified (issue 8).
add_perm(EDIT_AGENCY, is_agency_member,
         _("Only the agency itself may change this profile."))


# The project states in which sign-ups are no longer confidential (bidding's
# ``Project.signups_confidential``; a posting withdrawn during sign-up never discloses them here):
# a purchaser cannot learn who signed up by trying agencies' contact pages (R4).
SIGNUPS_DISCLOSED_STATUSES = ("selecting", "awarded", "closed", "failed")


@rules.predicate
def is_counterpart_purchaser(user, agency) -> bool:
    """``user``'s organisation posted a project ``agency`` signed up for: the party that needs to
    reach the agency. (Sign-ups are bidding's table, reached through its reverse relation, so
    agencies imports nothing from the floor above.)"""
    org = organisation_of(user)
    return (org is not None and agency is not None
            and type(agency).objects.filter(
                pk=agency.pk, signups__project__purchaser_id=org.pk,
                signups__project__status__in=SIGNUPS_DISCLOSED_STATUSES).exists())


# Personal data (the contact person, phone and e-mail, the legal representative, practitioners'
# names and certificate numbers) is for the agency itself, regulators and the purchasers of
# the projects it signed up for; everyone else sees what a public notice needs (issue 8).
VIEW_CONTACTS = "agencies.view_contacts"
add_perm(VIEW_CONTACTS, is_agency_member | is_regulator | is_counterpart_purchaser,
         _("Only the agency, regulators and the purchasers of its projects see its contacts."))


@rules.predicate
def is_signed_up_purchaser(user, agency) -> bool:
    """``user``'s organisation is, today, the purchaser of a project ``agency`` holds an active
    sign-up for (a cancelled sign-up, or a project no longer theirs, gives nothing)."""
    org = organisation_of(user)
    return (org is not None and agency is not None
            and type(agency).objects.filter(pk=agency.pk, signups__status="active",
                                            signups__project__purchaser_id=org.pk).exists())


# Registration papers (营业执照, 资质证书) are never public: the agency itself, regulators and the
# purchasers of projects it is signed up for (docs/design.md, "Registration papers").
VIEW_PAPERS = "agencies.view_papers"
add_perm(VIEW_PAPERS, is_agency_member | is_regulator | is_signed_up_purchaser,
         _("Only the agency, regulators and the purchasers of the projects it signed up for "
           "see its registration papers."))


# An agency's invitation subscriptions (采购邀请网上推送) are its own settings: its members alone
# list, add and remove them (agencies/services/subscriptions.py).
MANAGE_SUBSCRIPTIONS = "agencies.manage_subscriptions"
add_perm(MANAGE_SUBSCRIPTIONS, is_agency_member,
         _("Only the agency itself manages its invitation subscriptions."))
