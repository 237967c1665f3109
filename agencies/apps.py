"""The registry of agencies (R1, R2): registration, profiles, offers, the public directory."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from agencies.actions import ACTIONS


class AgenciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self):
        # Both import models: only once the app registry is ready (Django's AppConfig.ready).
        from agencies import signals  # noqa: F401  (connects the receivers of derived values)
        from core.audit import register_actions

        register_actions(ACTIONS)
