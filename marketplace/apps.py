"""The site on top of every app: settings, URLs, the home page, the public catalogue pages,
the catalogue admin, the demo and the periodic runner."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.actions import ACTIONS


class MarketplaceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from core.audit import register_actions  # imports models: only once the registry is ready

        register_actions(ACTIONS)
