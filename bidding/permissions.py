"""Who may do what with projects, sign-ups, bids, awards, objections, contracts and deliveries:
the permissions of bidding, built from core/permissions.py's predicates. Services require them,
templates show buttons with ``{% can %}``, API views ask ``has_perm`` — one rule for all three.
"""
from __future__ import annotations

import rules  # noqa: F401
from django.utils.translation import gettext_lazy as _  # noqa: F401

from core.permissions import add_perm, is_agency, is_purchaser, is_regulator, is_system  # noqa: F401
from core.roles import organisation_of

# --- postings, sign-ups, selection methods, bids ----------------------------------------------




# --- awards, objections, contracts, deliveries --------------------------------------------------
# Who may act on an award; whether the award's state allows it now is its transition table's
# (``Award.transitions``) and the service's, which refuse with ``Conflict``.


def _award_of(obj):
    """The award an objection or a delivery belongs to (or the award itself)."""
    return getattr(obj, "award", obj)


@rules.predicate
def is_award_purchaser(user, obj) -> bool:
    """The purchaser of the award's project (of an award, an objection or a delivery)."""
    org = organisation_of(user)
    return org is not None and obj is not None and org.pk == _award_of(obj).project.purchaser_id


@rules.predicate
def is_award_winner(user, award) -> bool:
    org = organisation_of(user)
    return org is not None and award is not None and org.pk == award.agency.organisation_id


@rules.predicate
def signed_up_for_award(user, award) -> bool:
    """An agency that signed up for the award's project (cancelled sign-ups included)."""
    org = organisation_of(user)
    return org is not None and award is not None and award.project.signups.filter(
        agency__organisation=org).exists()


add_perm("bidding.object_to_award", signed_up_for_award & ~is_award_winner,
         _("Only an agency that signed up for this project, other than the winner, may object."))
add_perm("bidding.answer_objection", is_award_purchaser,
         _("Only the purchaser of this project may do this."))
add_perm("bidding.decide_objection", is_regulator,
         _("Only a regulator may decide an objection."))
add_perm("bidding.upload_contract", is_award_purchaser | is_award_winner,
         _("Only the purchaser or the winning agency may upload the contract."))
add_perm("bidding.confirm_contract", is_award_purchaser | is_award_winner,
         _("Only the purchaser or the winning agency may confirm the contract."))
add_perm("bidding.view_contract", is_award_purchaser | is_award_winner,
         _("Only the purchaser or the winning agency may download the contract and the result."))
add_perm("bidding.refuse_contract", is_award_winner,
         _("Only the agency that won this award may do this."))
add_perm("bidding.submit_delivery", is_award_winner,
         _("Only the agency that won this award may do this."))
add_perm("bidding.decide_delivery", is_award_purchaser,
         _("Only the purchaser of this project may do this."))
