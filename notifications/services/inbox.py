"""The inbox's writes: a person marks one notification, or all of theirs, read."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import NotFound
from core.locking import lock
from core.permissions import has_perm, require_perm
from notifications import permissions  # noqa: F401  (registers the rules used below)
from notifications.models import InboxItem
from notifications.services.live import unread_push

MISSING = _("No such notification.")


@transaction.atomic
def notification_read(*, actor, item_id: int) -> InboxItem:
    """Mark ``actor``'s inbox item ``item_id`` read (idempotent). Someone else's is
    ``NotFound``, as if it did not exist."""
    require_perm(actor, "notifications.read_inbox")
    item = lock(InboxItem, item_id, related=("notification",), missing=MISSING)
    if not has_perm(actor, "notifications.read_notification", item):
        raise NotFound(MISSING)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notification.read", obj=item.notification)
        transaction.on_commit(lambda: unread_push(actor.pk), robust=True)
    return item


@transaction.atomic
def notifications_read_all(*, actor) -> int:
    """Mark every unread item of ``actor`` read; how many were."""
    require_perm(actor, "notifications.read_inbox")
    count = InboxItem.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now())
    if count:
        audit_record(actor=actor, action="notifications.all_read", obj=actor,
                     data={"count": count})
        transaction.on_commit(lambda: unread_push(actor.pk), robust=True)
    return count
