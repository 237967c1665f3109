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
    "direct.picked": _("Agency picked directly"),
    # The moves of Award, Objection and Delivery register theirs (``transitions``, models.py).
    "award.made": _("Award made"),
    "objection.filed": _("Objection filed"),
    "contract.uploaded": _("Contract uploaded"),
}
