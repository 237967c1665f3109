"""Webhooks for integrators (审管衔接): an organisation's systems receive the events of
``notifications.outbox.notify`` as signed POSTs. On its own floor between agencies and
notifications: it imports only notifications, core and Django (docs/architecture.md,
"Webhooks")."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # imports models: only once the registry is ready
        from core.audit import register_actions
        from notifications.outbox import register_event_listener
        from webhooks.actions import ACTIONS
        from webhooks.services.events import webhook_event_record

        register_actions(ACTIONS)
        register_event_listener(webhook_event_record)
