"""The regulator's workspace (监管): overview, risk list, review queues, inspections, red-hat
ties. It sits on top of the domain apps and reads all of them; nothing below imports it."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("Supervision")
