"""Delivering intents: one delivery on one channel, under its row lock, once.

The worker (``notifications/tasks.py``) calls ``delivery_send`` for each delivery a ``notify``
enqueued, and ``deliveries_retry`` sends what stayed pending (a broker that was down, a worker
killed mid-run, a channel that failed). A failed attempt pushes the delivery's
``next_attempt_at`` back by exponential backoff (``backoff_delay``: 1 minute, 2, 4 … capped at
6 hours, with jitter so a provider's outage does not end in one burst), and the retry step
picks only the deliveries that are due. Every call is idempotent: the row lock serialises two
workers on one delivery and the second finds it ``sent``. These are the platform's own
bookkeeping, not a party's act: the emitting service audited the event, and the delivery row
records attempts, errors and when it went out, so no audit event is written per delivery.
"""
from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from core.errors import NotFound
from core.locking import lock
from notifications.channel_registry import channel_named
from notifications.models import Delivery
from notifications.selectors.inbox import pending_delivery_ids

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)


def backoff_delay(attempts: int, *, jitter: float | None = None) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: ``BACKOFF_BASE`` × 2^(attempts
    − 1), at most ``BACKOFF_CAP``, times a jitter factor in [0.75, 1.25) (``jitter`` in [0, 1),
    random by default), never above the cap."""
    jitter = random.random() if jitter is None else jitter
    delay = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)
    return min(delay * (0.75 + 0.5 * jitter), BACKOFF_CAP)


def delivery_send(*, delivery_id: int) -> bool:
    """Send one delivery if it is still pending; ``True`` if this call sent it. A channel that
    raises leaves it pending (``failed`` after ``Delivery.MAX_ATTEMPTS``) with the error."""
    with transaction.atomic():
        try:
            delivery = lock(Delivery, delivery_id, related=("notification",),
                            missing=pgettext_lazy("notification", "No such delivery."))
        except NotFound:
            return False  # its notification was deleted meanwhile (the user left)
        if delivery.status != Delivery.Status.PENDING:
            return False
        delivery.attempts += 1
        try:
            with transaction.atomic():
                channel_named(delivery.channel).send(delivery)
        except Exception as exc:  # noqa: BLE001 - a channel's failure is recorded, not raised
            delivery.last_error = repr(exc)[:2000]
            if delivery.attempts >= Delivery.MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = timezone.now() + backoff_delay(delivery.attempts)
            delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["attempts", "status", "sent_at"])
        return True


def deliveries_send(*, delivery_ids: list[int]) -> int:
    """``delivery_send`` each; the number this call sent."""
    return sum(delivery_send(delivery_id=pk) for pk in delivery_ids)


def deliveries_retry(*, older_than: dt.timedelta | None = None, limit: int = 10_000) -> int:
    """Send the pending deliveries that are due: first written (or last failed, plus its
    backoff) longer than ``older_than`` ago (default: the ``NOTIFICATIONS_RETRY_AFTER``
    setting), the longest due first; the number sent."""
    if older_than is None:
        older_than = dt.timedelta(seconds=settings.NOTIFICATIONS_RETRY_AFTER)
    before = timezone.now() - older_than
    sent = 0
    while limit > 0:
        ids = pending_delivery_ids(before=before, limit=min(500, limit))
        if not ids:
            break
        sent += deliveries_send(delivery_ids=ids)
        limit -= len(ids)
        if len(ids) < 500:
            break
    return sent
