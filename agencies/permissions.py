"""Who may change an agency's profile, offers, qualifications and practitioners: the permissions
of agencies, built from core/permissions.py's predicates. The write services require them, the
profile and "我的机构" pages show their buttons with ``{% can %}`` and the API asks ``has_perm`` —
one rule for all three (docs/conventions.md, "Permissions")."""
from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm
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
