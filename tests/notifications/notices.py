"""Helpers of the notice tests (test_ratings_notices.py, test_credit_notices.py,
test_supervision_notices.py): who got which kind, read from the outbox's real rows.

Only the kinds of ratings, credit and supervision count here: the factories that build the
worlds of these tests go through bidding's services, which notify too (their own tests and
the whole-project walk hold those)."""
from __future__ import annotations

from collections import Counter

from core.models import Member
from credit.kinds import KINDS as CREDIT_KINDS
from notifications.models import Delivery, InboxItem, Notification
from ratings.kinds import KINDS as RATINGS_KINDS
from supervision.kinds import KINDS as SUPERVISION_KINDS

OWN = {*RATINGS_KINDS, *CREDIT_KINDS, *SUPERVISION_KINDS}


def ours():
    """The intents of this group's kinds."""
    return Notification.objects.filter(kind__in=OWN)


def members(*orgs) -> list[int]:
    """The user ids of the members of ``orgs``, sorted."""
    return sorted(Member.objects.filter(organisation__in=orgs).values_list("user_id", flat=True))


def told(kind: str) -> list[int]:
    """The user ids notified of ``kind``, sorted (a repeat would show twice)."""
    return sorted(ours().filter(kind=kind).values_list("user_id", flat=True))


def kinds() -> Counter:
    return Counter(ours().values_list("kind", flat=True))


def assert_each_once_and_delivered() -> None:
    """Every intent is unique per (key, user) and has reached its reader's inbox: the inbox
    delivery sent once (the eager worker ran after the captured commit)."""
    pairs = list(ours().values_list("key", "user_id"))
    assert len(pairs) == len(set(pairs))
    inbox = Delivery.objects.filter(channel="inbox", notification__kind__in=OWN)
    assert inbox.count() == len(pairs)
    assert not inbox.exclude(status=Delivery.Status.SENT).exists()
    assert InboxItem.objects.filter(notification__kind__in=OWN).count() == len(pairs)


def one(kind: str, user_id: int | None = None) -> Notification:
    qs = Notification.objects.filter(kind=kind)
    return (qs.filter(user_id=user_id) if user_id else qs).order_by("pk").first()
