"""The audit action types of bidding with their labels (core.audit registry). The codes of
state changes are declared with the transitions of their model (``bidding.models``:
``Project.transitions``, ``SignUp.transitions``) and registered from there."""
from django.utils.translation import gettext_lazy as _

from core.audit_rows import Fixed, Moved, register_audited

ACTIONS = {
    "project.created": _("Project drafted"),
    "project.updated": _("Project changed"),
    "project.followed": _("Posting followed"),
    "project.unfollowed": _("Posting no longer followed"),
    "bid.placed": _("Bid placed"),
    "auction.closed": _("Auction closed"),
    "draw.committed": _("Draw commitment published"),
    "draw.contribution_revealed": _("Draw contribution revealed"),
    "draw.revealed": _("Random draw run"),
    "quote.sealed": _("Sealed quote submitted"),
    "quotes.opened": _("Sealed quotes opened"),
    "evaluation.scored": _("Evaluation score entered"),  # the purchaser's entry, removed
    "expert.created": _("Expert added to the pool"),
    "expert.updated": _("Expert changed"),
    "expert.tie_declared": _("Expert's tie declared"),
    "expert.tie_removed": _("Expert's tie removed"),
    "panel.short": _("Too few eligible experts for the panel"),
    "panel.scores_saved": _("Expert's draft scores saved"),
    "evaluation.run": _("Comprehensive evaluation run"),
    "direct.picked": _("Agency picked directly"),
    "panel.committed": _("Expert panel seed committed"),
    # The moves of Award, Objection and Delivery register theirs (``transitions``, models.py).
    "award.made": _("Award made"),
    "objection.filed": _("Objection filed"),
    "contract.uploaded": _("Contract uploaded"),
    # Its decisions are PostingReview.transitions (bidding/models/reviews.py).
    "posting_review.requested": _("Posting sent for the regulator's review"),
}

# The rows the trail describes and where each event keeps their audited fields: audit_verify
# compares them with the database (core/audit_rows.py).
register_audited("bidding.award", {
    # Not objection_until: a clock the demo loader (bidding/demo/steps.py) moves by hand.
    "award.made": {"project": "project", "agency": "agency", "price": "price", "quote": "quote",
                   "method": "method", "rank": "rank", "decided_at": "decided_at",
                   "status": Fixed("notice")},
    "award.contracting": {"status": Moved("status"), "contract_deadline": "contract_deadline"},
    "award.withdrawn": {"status": Moved("status"), "status_reason": "reason"},
    "award.superseded": {"status": Moved("status"), "status_reason": "reason"},
})
# The moves an award makes with its contract and deliveries are recorded on those.
register_audited("bidding.award", {
    "contract.confirmed": {"status": Fixed("in_service")},
    "delivery.submitted": {"status": Fixed("delivered")},
    "delivery.accepted": {"status": Fixed("accepted")},
    "delivery.returned": {"status": Fixed("in_service")},
}, via="award")
register_audited("bidding.bid", {
    "bid.placed": {"project": "project", "signup": "signup", "seq": "seq", "value": "value"},
})
register_audited("bidding.contract", {
    "contract.uploaded": {"award": "award", "uploaded_by": "by", "file": "file"},
    "contract.confirmed": {"confirmed_by": "by", "confirmed_at": "at"},
})
register_audited("bidding.delivery", {
    "delivery.submitted": {"award": "award", "file": "file", "note": "note",
                           "status": Fixed("submitted")},
    "delivery.accepted": {"status": Moved("status"), "on_time": "on_time"},
    "delivery.returned": {"status": Moved("status"), "on_time": "on_time", "reason": "reason"},
})
