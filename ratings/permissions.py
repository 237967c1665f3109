"""Who may rate (the purchaser its agency, the agency its purchaser), reply, appeal, void and
decide appeals: the permissions of ratings, built from
core/permissions.py's predicates. Services require them, templates show buttons with
``{% can %}``, API views ask ``has_perm`` — one rule for all three."""
from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_agency, is_purchaser, is_regulator
from core.regions import region_covers
from core.roles import organisation_of


@rules.predicate
def is_award_purchaser(user, award) -> bool:
    """``user`` belongs to the purchaser of ``award``'s project."""
    org = organisation_of(user)
    return award is not None and org is not None and award.project.purchaser_id == org.pk


@rules.predicate
def is_rated_agency(user, rating) -> bool:
    """``user`` belongs to the agency that ``rating`` rates."""
    org = organisation_of(user)
    return rating is not None and org is not None \
        and rating.agency.organisation_id == org.pk


@rules.predicate
def is_award_agency(user, award) -> bool:
    """``user`` belongs to the agency that won ``award``."""
    org = organisation_of(user)
    return award is not None and org is not None and award.agency.organisation_id == org.pk


@rules.predicate
def is_rated_purchaser(user, rating) -> bool:
    """``user`` belongs to the purchaser that ``rating`` (a ``PurchaserRating``) rates."""
    org = organisation_of(user)
    return rating is not None and org is not None and rating.purchaser_id == org.pk


add_perm("ratings.rate_purchaser", is_agency & is_award_agency,
         _("Only the agency that carried out this award may rate its purchaser."))
add_perm("ratings.reply_purchaser_rating", is_purchaser & is_rated_purchaser,
         _("Only the rated purchaser may reply to this rating."))
add_perm("ratings.rate_award", is_purchaser & is_award_purchaser,
         _("Only the purchaser of this project may rate its agency."))
add_perm("ratings.reply_rating", is_agency & is_rated_agency,
         _("Only the rated agency may reply to this rating."))
add_perm("ratings.appeal_rating", is_agency & is_rated_agency,
         _("Only the rated agency may appeal this rating."))
add_perm("ratings.void_rating", is_regulator, _("Only regulators may do this."))
@rules.predicate
def appeal_in_jurisdiction(user, appeal) -> bool:
    """The rated agency is registered in the regulator's region or under it (no region: all;
    no appeal given: the page's button, the service checks the appeal itself)."""
    if appeal is None:
        return True
    org = organisation_of(user)
    return org is not None and region_covers(org.region, appeal.rating.agency.region)


add_perm("ratings.decide_appeal", is_regulator & appeal_in_jurisdiction,
         _("Only the regulator of the rated agency's region may decide this appeal."))
