"""The audit action types of ratings with their labels (core.audit registry); the moves of
ratings and appeals are registered by their state machines (ratings/models.py)."""
from django.utils.translation import gettext_lazy as _

from core.audit_rows import Fixed, Moved, register_audited

ACTIONS = {
    "rating.submitted": _("Rating submitted"),
    "rating.replied": _("Rating replied to"),
    "purchaser_rating.submitted": _("Purchaser rated by the agency"),
    "purchaser_rating.replied": _("Rating of a purchaser replied to"),
}


def _voided_by_decision(data):
    """An upheld appeal voids the rating with the decision as its reason."""
    if not data["upheld"]:
        raise KeyError("upheld")
    return data["decision"]


# The rows the trail describes and where each event keeps their audited fields: audit_verify
# compares them with the database (core/audit_rows.py).
register_audited("ratings.purchaserrating", {
    "purchaser_rating.submitted": {"award": "award", "purchaser": "purchaser",
                                   "agency": "agency", "clarity": "clarity",
                                   "cooperation": "cooperation", "fairness": "fairness",
                                   "payment": "payment"},
})
register_audited("ratings.rating", {
    "rating.submitted": {"award": "award", "agency": "agency", "quality": "quality",
                         "timeliness": "timeliness", "attitude": "attitude", "fees": "fees",
                         "conduct": "conduct", "status": Fixed("published")},
    "rating.appealed": {"status": Moved("status")},
    "rating.voided": {"status": Moved("status"), "voided_reason": "reason"},
    "rating.appeal_decided": {
        "status": lambda data: "voided" if data["upheld"] else "published",
        "voided_reason": _voided_by_decision},
})
