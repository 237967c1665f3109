"""The ground floor: parties and roles, regions, the working-day calendar, the audit trail, the
error family, broadcasts after commit, the Oscar shelf glue and the small service kit. It
imports no app of ours (docs/architecture.md)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.actions import ACTIONS


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Platform")

    def ready(self):
        from core.audit import register_actions  # imports models: only once the registry is ready

        register_actions(ACTIONS)
