"""Helpers of the notice tests (test_ratings_notices.py, test_credit_notices.py,
test_supervision_notices.py): who got which kind, read from the outbox's real rows."""
from __future__ import annotations

from collections import Counter

from core.models import Member
from notifications.models import Delivery, InboxItem, Notification


def members(*orgs) -> list[int]:
    """The user ids of the members of ``orgs``, sorted."""
    return sorted(Member.objects.filter(organisation__in=orgs).values_list("user_id", flat=True))


def told(kind: str) -> list[int]:
    """The user ids notified of ``kind``, sorted (a repeat would show twice)."""
    return sorted(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def kinds() -> Counter:
    return Counter(Notification.objects.values_list("kind", flat=True))


def assert_each_once_and_delivered() -> None:
    """Every intent is unique per (key, user) and has reached its reader's inbox: the inbox
    delivery sent once (the eager worker ran after the captured commit)."""
    pairs = list(Notification.objects.values_list("key", "user_id"))
    assert len(pairs) == len(set(pairs))
    assert Delivery.objects.filter(channel="inbox").count() == len(pairs)
    inbox = Delivery.objects.filter(channel="inbox")
    assert not inbox.exclude(status=Delivery.Status.SENT).exists()
    assert InboxItem.objects.count() == len(pairs)


def one(kind: str, user_id: int | None = None) -> Notification:
    qs = Notification.objects.filter(kind=kind)
    return (qs.filter(user_id=user_id) if user_id else qs).order_by("pk").first()
