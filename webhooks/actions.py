"""The audit action types of webhooks with their labels (core.audit registry)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "webhook.created": _("Webhook endpoint created"),
    "webhook.updated": _("Webhook endpoint changed"),
    "webhook.deleted": _("Webhook endpoint deleted"),
    "webhook.secret_rotated": _("Webhook secret rotated"),
    "webhook.pinged": _("Webhook test event sent"),
    "webhook.delivery_replayed": _("Webhook delivery replayed"),
}
