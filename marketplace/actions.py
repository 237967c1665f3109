"""The audit action types of marketplace with their labels (core.audit registry)."""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "catalogue.item_created": _("Catalogue item created"),
    "catalogue.item_changed": _("Catalogue item changed"),
    "catalogue.item_deleted": _("Catalogue item deleted"),
    "catalogue.category_created": _("Catalogue category created"),
    "catalogue.category_changed": _("Catalogue category changed"),
    "catalogue.category_deleted": _("Catalogue category deleted"),
}
