"""The regulator's workspace (监管): overview, risk list, review queues, inspections, red-hat
ties, online complaints. It sits on top of the domain apps and reads all of them; nothing below
imports it."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from core.audit import register_actions
        from core.models import Organisation
        from core.todos import register_todo_provider
        from notifications.kinds import register_kinds
        from supervision import permissions  # noqa: F401  (registers supervision.*)
        from supervision.actions import ACTIONS
        from supervision.kinds import KINDS
        from supervision.selectors import todos

        register_actions(ACTIONS)
        register_todo_provider(Organisation.Kind.REGULATOR, todos.regulator_todos)
        register_kinds(KINDS)  # what complaints tell (supervision/services/notices.py)
