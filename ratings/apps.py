"""Purchasers rate the agency after delivery (R9); replies, appeals, voids. ``ready`` registers
the audit actions, the to-dos, the notification kinds (``ratings/kinds.py``) and the receiver
that opens the rating window (``ratings/receivers.py``)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ratings"
    verbose_name = _("Ratings")

    def ready(self):
        from core.audit import register_actions
        from core.models import Organisation
        from core.todos import register_todo_provider
        from notifications.kinds import register_kinds
        from ratings import permissions, receivers  # noqa: F401  (registers the permissions)
        from ratings.actions import ACTIONS
        from ratings.kinds import KINDS
        from ratings.selectors import todos

        register_actions(ACTIONS)
        register_todo_provider(Organisation.Kind.PURCHASER, todos.purchaser_todos)
        register_todo_provider(Organisation.Kind.AGENCY, todos.agency_todos)
        register_kinds(KINDS)
        receivers.connect()
