"""Projects from posting to delivery: sign-ups, the selection methods, awards, contracts."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiddingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bidding"
    verbose_name = _("Projects and selection")

    def ready(self):
        from bidding.actions import ACTIONS
        from core.audit import register_actions

        register_actions(ACTIONS)
