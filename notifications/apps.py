"""Notifications: the outbox, its delivery channels and the in-site inbox. On the ground floor
beside core: it imports only core and Django (docs/architecture.md, "Notifications")."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # imports models: only once the registry is ready
        from core.audit import register_actions
        from notifications.actions import ACTIONS
        from notifications.channel_registry import INBOX, register_channel
        from notifications.channels.email import EMAIL
        from notifications.channels.sms import SMS
        from notifications.kinds import PLATFORM_KINDS, register_kinds

        register_actions(ACTIONS)
        register_kinds(PLATFORM_KINDS)
        register_channel(INBOX)
        register_channel(EMAIL)
        register_channel(SMS)
