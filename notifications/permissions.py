"""The named permissions of notifications (docs/conventions.md, "Permissions")."""
import rules
from django.utils.translation import gettext_lazy as _

from core.permissions import add_perm, is_self, is_signed_in


@rules.predicate
def is_recipient(user, item) -> bool:
    return item is not None and getattr(item, "user_id", None) == getattr(user, "pk", None)


add_perm("notifications.read_notification", is_signed_in & is_recipient,
         _("This notification is not yours."))
add_perm("notifications.read_inbox", is_signed_in,
         _("Please sign in to read your notifications."))
add_perm("notifications.change_settings", is_signed_in & is_self,
         _("Only you may change your notification settings."))
