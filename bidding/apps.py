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
        # 采购邀请网上推送: a published posting invites the agencies subscribed to it.
        from notifications.kinds import KindSpec, register_kinds

        register_kinds({"posting.invitation": KindSpec(
            title=_("Invitation to a new posting"),
            body=_("A posting matching your subscriptions was published: %(project)s (sign-up "
                   "closes %(deadline)s)."),
            roles=("agency",))})
