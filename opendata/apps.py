"""Open data: OCDS releases, records, bulk files and the public statistics at /data/."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # imports models: only once the registry is ready
        from core.audit import register_actions, register_audit_listener
        from opendata.actions import ACTIONS
        from opendata.services.releases import LISTENED_ACTIONS, releases_for_events

        register_actions(ACTIONS)
        register_audit_listener(LISTENED_ACTIONS, releases_for_events)
