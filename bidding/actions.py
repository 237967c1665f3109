"""The audit action types of bidding with their labels (core.audit registry). The codes of
state changes are declared with the transitions of their model (``bidding.models``:
``Project.transitions``, ``SignUp.transitions``) and registered from there."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "project.created": _("Project drafted"),
    "project.updated": _("Project changed"),
    "bid.placed": _("Bid placed"),
    "auction.closed": _("Auction closed"),
    "draw.revealed": _("Random draw run"),
    "quote.sealed": _("Sealed quote submitted"),
    "quotes.opened": _("Sealed quotes opened"),
    "evaluation.scored": _("Evaluation score entered"),
    "evaluation.run": _("Comprehensive evaluation run"),
    "award.made": _("Award made"),
    "award.withdrawn": _("Award withdrawn"),
    "award.superseded": _("Award passed to the runner-up"),
    "award.contracting": _("Contract signing opened"),
    "objection.filed": _("Objection filed"),
    "objection.answered": _("Objection answered"),
    "objection.decided": _("Objection decided"),
    "contract.uploaded": _("Contract uploaded"),
    "contract.confirmed": _("Contract confirmed"),
    "delivery.submitted": _("Result delivered"),
    "delivery.accepted": _("Delivery accepted"),
    "delivery.returned": _("Delivery returned"),
}
