"""Who may do what with credit events, sanctions, inspections and ties: the permissions of
credit, built from core/permissions.py's predicates. Services require them, templates show
buttons with ``{% can %}``, API views ask ``has_perm`` — one rule for all three."""
from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_agency, is_regulator
from core.roles import organisation_of


@rules.predicate
def is_sanctioned_agency(user, sanction) -> bool:
    """``user`` belongs to the agency that ``sanction`` was imposed on."""
    org = organisation_of(user)
    return sanction is not None and org is not None \
        and org.pk == sanction.agency.organisation_id


_REGULATORS_ONLY = _("Only regulators may do this.")

add_perm("credit.impose_sanction", is_regulator, _REGULATORS_ONLY)
add_perm("credit.confirm_sanction", is_regulator, _REGULATORS_ONLY)
add_perm("credit.lift_sanction", is_regulator, _REGULATORS_ONLY)
add_perm("credit.decide_sanction_appeal", is_regulator, _REGULATORS_ONLY)
add_perm("credit.appeal_sanction", is_agency & is_sanctioned_agency,
         _("Only the sanctioned agency can appeal."))
add_perm("credit.record_event", is_regulator, _REGULATORS_ONLY)
add_perm("credit.void_event", is_regulator, _REGULATORS_ONLY)
add_perm("credit.run_inspection", is_regulator, _REGULATORS_ONLY)
add_perm("credit.review_tie", is_regulator, _REGULATORS_ONLY)
