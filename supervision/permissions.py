"""Who may do what with complaints (supervision/models.py), on core/permissions.py's layer.

Any signed-in member of an organisation may complain; the regulator of the complaint's region
handles it (a regulator with no region handles every region; one with a region handles the
complaints routed to that region or a region under it, by GB/T 2260 code); the complainant and
the regulators see who complained, everyone else sees the public outcome only.
"""
from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_regulator
from core.regions import region_covers
from core.roles import organisation_of


@rules.predicate
def has_organisation(user) -> bool:
    return organisation_of(user) is not None


@rules.predicate
def in_jurisdiction(user, complaint) -> bool:
    org = organisation_of(user)
    return (org is not None and complaint is not None
            and region_covers(org.region, complaint.region))


@rules.predicate
def is_complainant(user, complaint) -> bool:
    return (complaint is not None and getattr(user, "pk", None) is not None
            and complaint.complainant_id == user.pk)


add_perm("supervision.file_complaint", has_organisation,
         _("Sign in with your organisation's account to complain."))
add_perm("supervision.handle_complaint", is_regulator & in_jurisdiction,
         _("Only the regulator of the complaint's region may handle it."))
add_perm("supervision.see_complainant", is_complainant | (is_regulator & in_jurisdiction),
         _("Only the complainant and the regulator see who complained."))
