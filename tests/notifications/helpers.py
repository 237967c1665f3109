"""Delivered notifications for the inbox tests, through the real outbox (eager worker)."""
from __future__ import annotations

from django.test import TestCase

from notifications.models import InboxItem
from notifications.outbox import notify

DATA = {"project": "某片区控制性详细规划环评", "agency": "甲测绘有限公司"}


def delivered(user, n: int = 1, *, prefix: str = "award.made", url: str = "/awards/") -> list:
    """``n`` notifications delivered to ``user``'s inbox, oldest first."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        for i in range(n):
            notify("award.made", to=[user], data=DATA, url=url,
                   key=f"{prefix}:{user.pk}:{i}:{InboxItem.objects.count()}")
    return list(InboxItem.objects.filter(user=user).order_by("pk"))
