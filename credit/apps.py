"""The credit app. ``ready`` registers its audit actions and notification kinds, plugs the
sanctions check into eligibility (R10) and connects the ledger's receivers
(``credit.receivers``)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = _("Credit and exit")

    def ready(self):
        # Imported here, not at the top: they import models, which the app registry loads
        # only after every AppConfig is created.
        from bidding.eligibility import register_standing_check
        from core.audit import register_actions
        from core.models import Organisation
        from core.todos import register_todo_provider
        from credit import permissions, receivers  # noqa: F401  (registers the permissions)
        from credit.actions import ACTIONS
        from credit.selectors import todos
        from credit.selectors.ledger import sanction_block_reason, sanction_blocks

        register_actions(ACTIONS)
        # The exit mechanism's one check (R10), on every sign-up and every bid; its fact is
        # read with the bid's sign-up, the reason only when the fact says there is one.
        register_standing_check("credit.sanctions", sanction_block_reason, sanction_blocks)
        receivers.connect()
        register_todo_provider(Organisation.Kind.AGENCY, todos.agency_todos)
        # What credit tells the parties (credit/services/notices.py).
        from credit.kinds import KINDS
        from notifications.kinds import register_kinds

        register_kinds(KINDS)
