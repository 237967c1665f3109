"""The audit action types of notifications with their labels (core.audit registry)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "notification.read": _("Notification marked read"),
    "notifications.all_read": _("All notifications marked read"),
    "notification_settings.changed": _("Notification settings changed"),
    "notifications.unsubscribed": _("Unsubscribed from notification e-mails"),
}
