"""The audit action types of ratings with their labels (core.audit registry); the moves of
ratings and appeals are registered by their state machines (ratings/models.py)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "rating.submitted": _("Rating submitted"),
    "rating.replied": _("Rating replied to"),
}
