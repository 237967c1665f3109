"""The audit action types of ratings with their labels (core.audit registry)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "rating.submitted": _("Rating submitted"),
    "rating.replied": _("Rating replied to"),
    "rating.appealed": _("Rating appealed"),
    "rating.appeal_decided": _("Rating appeal decided"),
    "rating.voided": _("Rating voided"),
}
