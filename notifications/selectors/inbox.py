"""The inbox's reads: a person's notifications and their unread count."""
from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Delivery, InboxItem


def inbox_items(user, *, unread: bool = False) -> QuerySet[InboxItem]:
    """``user``'s inbox, newest first (the page styles the unread ones)."""
    qs = InboxItem.objects.filter(user=user).select_related("notification")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created", "-pk")


def unread_count(user_id: int | None) -> int:
    """One COUNT over the partial index ``inbox_unread_idx``."""
    if not user_id:
        return 0
    return InboxItem.objects.filter(user_id=user_id, read_at__isnull=True).count()


def pending_delivery_ids(*, before, limit: int = 500) -> list[int]:
    """Deliveries still pending whose next attempt was due before ``before`` (the longest due
    first), over the partial index ``delivery_pending_due_idx``."""
    return list(Delivery.objects.filter(status=Delivery.Status.PENDING,
                                        next_attempt_at__lt=before)
                .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
