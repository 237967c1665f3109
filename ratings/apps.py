"""Purchasers rate the agency after delivery (R9); replies, appeals, voids."""
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
        from ratings import permissions  # noqa: F401  (registers the ratings permissions)
        from ratings.actions import ACTIONS
        from ratings.selectors import todos

        register_actions(ACTIONS)
        register_todo_provider(Organisation.Kind.PURCHASER, todos.purchaser_todos)
        register_todo_provider(Organisation.Kind.AGENCY, todos.agency_todos)
