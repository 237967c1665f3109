"""The audit action types of opendata with their labels (core.audit registry)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "ocds.backfilled": _("Open-data releases written for earlier projects"),
}
