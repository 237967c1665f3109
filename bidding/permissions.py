"""Who may do what with projects, sign-ups, bids, awards, objections, contracts and deliveries:
the permissions of bidding, built from core/permissions.py's predicates. Services require them,
templates show buttons with ``{% can %}``, API views ask ``has_perm`` — one rule for all three.
"""
from __future__ import annotations

import rules
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_agency, is_purchaser, is_regulator, is_system
from core.regions import region_covers
from core.roles import Kind, kind_of, organisation_of

# --- postings, sign-ups, selection methods, bids ----------------------------------------------


@rules.predicate
def is_project_owner(user, project) -> bool:
    """The user's organisation posted ``project``."""
    org = organisation_of(user)
    return org is not None and project is not None and org.pk == project.purchaser_id


@rules.predicate
def has_agency_profile(user) -> bool:
    """The user belongs to an organisation with an agency profile (``agencies.Agency``)."""
    org = organisation_of(user)
    return org is not None and getattr(org, "agency", None) is not None


@rules.predicate
def is_draft(user, project) -> bool:
    return project is not None and project.status == project.Status.DRAFT


@rules.predicate
def is_withdrawable(user, project) -> bool:
    return project is not None and project.withdrawable(timezone.now())


@rules.predicate
def is_signup_open(user, project) -> bool:
    return project is not None and project.signup_open(timezone.now())


@rules.predicate
def signups_disclosed(user, project) -> bool:
    return project is not None and not project.signups_confidential(timezone.now())


add_perm("bidding.post_project", is_purchaser,
         _("Only purchasers (enterprises, or departments posting their own technical services) "
           "can post projects."))
add_perm("bidding.edit_project", is_purchaser & is_project_owner,
         _("Only the purchaser who posted this project may do this."))
# The buttons: the owner, while the state allows it. The services check the owner with
# ``bidding.edit_project`` and refuse a wrong state with Conflict (Project.transitions and
# Project.withdrawable, the same rules these predicates read).
add_perm("bidding.publish_project", is_purchaser & is_project_owner & is_draft,
         _("Only the purchaser who posted this project may do this."))
add_perm("bidding.withdraw_project", is_purchaser & is_project_owner & is_withdrawable,
         _("Only the purchaser who posted this project may do this."))
# Who signed up, and how many, stays confidential until sign-up closes (R4): the purchaser
# included; the regulator supervises and sees them.
add_perm("bidding.see_signups", is_regulator | signups_disclosed,
         _("Sign-ups stay confidential until sign-up closes."))
add_perm("bidding.order_withdrawal", is_regulator,
         _("Only a regulator may order a posting withdrawn."))
add_perm("bidding.take_part", is_agency & has_agency_profile,
         _("Only agencies with an agency profile may sign up, quote or bid."))
# 关注: an agency follows a posting open for sign-up, to be reminded before it closes.
add_perm("bidding.follow_project", is_agency & has_agency_profile & is_signup_open,
         _("Only an agency may follow a posting, while its sign-up is open."))
# The button: an agency while sign-up is open (eligibility is told apart, with its reasons).
add_perm("bidding.sign_up", is_agency & has_agency_profile & is_signup_open,
         _("Sign-up for this project is not open."))
add_perm("bidding.run_selection", is_system | is_project_owner,
         _("Only the purchaser of this project may run its selection."))
add_perm("bidding.pick_agency", is_project_owner,
         _("Only the purchaser of this project may pick the agency."))


# --- the expert pool and the evaluation panels -------------------------------------------------
# Regulators keep the pool and watch the panels; only an expert seated on a panel scores it
# (the purchaser never does: docs/design.md §3, "Comprehensive evaluation by a drawn panel").

is_expert = rules.predicate(lambda user: kind_of(user) == Kind.EXPERT, name="is_expert")


@rules.predicate
def is_seated_on(user, panel) -> bool:
    """The user is an expert seated on ``panel`` (not replaced)."""
    org = organisation_of(user)
    return org is not None and panel is not None and panel.seats.filter(
        expert__organisation=org).exclude(status="replaced").exists()


add_perm("bidding.keep_experts", is_regulator,
         _("Only a regulator may keep the expert pool."))
add_perm("bidding.manage_panel", is_regulator,
         _("Only a regulator may draw or complete an expert panel."))
add_perm("bidding.score_panel", is_expert & is_seated_on,
         _("Only an expert seated on this panel may score it."))


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
add_perm("bidding.decline_award", is_award_purchaser,
         _("Only the purchaser of this project may do this."))
add_perm("bidding.submit_delivery", is_award_winner,
         _("Only the agency that won this award may do this."))
add_perm("bidding.decide_delivery", is_award_purchaser,
         _("Only the purchaser of this project may do this."))


# --- posting reviews (R3, R4: "除法律法规有特别规定外") -------------------------------------------
add_perm("bidding.request_posting_review", is_purchaser & is_project_owner,
         _("Only the purchaser who posted this project may send it for review."))
# The button: the owner's draft (the service refuses a wrong state with Conflict).
add_perm("bidding.ask_posting_review", is_purchaser & is_project_owner & is_draft,
         _("Only the purchaser who posted this project may send it for review."))
@rules.predicate
def reviews_in_jurisdiction(user, review) -> bool:
    """The posting under review lies in the regulator's region (or under it); a regulator with
    no region oversees everywhere (core/regions.py::region_covers)."""
    org = organisation_of(user)
    return (org is not None and review is not None
            and region_covers(org.region, review.project.region))


add_perm("bidding.decide_posting_review", is_regulator & reviews_in_jurisdiction,
         _("Only the regulator of the posting's region may decide its review."))
