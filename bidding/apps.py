"""Projects from posting to delivery: sign-ups, the selection methods, awards, contracts."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiddingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bidding"
    verbose_name = _("Projects and selection")

    def ready(self):
        from bidding.actions import ACTIONS
        from bidding.selectors import todos
        from core.audit import register_actions
        from core.models import Organisation
        from core.todos import register_todo_provider

        register_actions(ACTIONS)
        # What awaits each role on the account page (core/todos.py).
        register_todo_provider(Organisation.Kind.PURCHASER, todos.purchaser_todos)
        register_todo_provider(Organisation.Kind.AGENCY, todos.agency_todos)
        register_todo_provider(Organisation.Kind.EXPERT, todos.expert_todos)
        # What the parties of a project are told (bidding/notices.py; docs/architecture.md,
        # "Notifications"), 采购邀请网上推送 among them.
        from bidding.notices import KINDS
        from notifications.kinds import register_kinds

        register_kinds(KINDS)
