"""Sending webhook deliveries: one signed POST per attempt, retried with backoff, every attempt
logged (docs/architecture.md, "Webhooks").

``webhook_delivery_send`` runs in three steps so that no database transaction stays open while
an endpoint takes its time to answer:

1. under the delivery's row lock, check it is pending and due, count the attempt and take a
   lease: ``next_attempt_at`` moves past the timeout, so another worker (or the periodic
   ``webhooks_retry``) does not post it meanwhile; commit;
2. POST the signed body (``webhooks/transport.py::post``), outside any transaction;
3. under the lock again, log the attempt (``WebhookAttempt``) and move the delivery: ``sent`` on
   a 2xx, else due again after ``backoff`` or ``failed`` after ``WEBHOOKS_MAX_ATTEMPTS``.

A worker killed in step 2 leaves the lease to expire and the delivery is posted again: webhooks
are at least once, and receivers drop a repeat by ``X-Marketplace-Delivery``.
"""
from __future__ import annotations

import datetime as dt
import json
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import NotFound
from core.locking import lock
from core.permissions import require_perm
from webhooks import permissions  # noqa: F401  (registers the rules used below)
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.permissions import REPLAY_DELIVERY
from webhooks.selectors.endpoints import due_delivery_ids
from webhooks.signing import signature_header
from webhooks.transport import post

MISSING = _("No such webhook delivery.")
BACKOFF_BASE = 30          # seconds before the second attempt …
BACKOFF_CAP = 6 * 3600     # … doubling each time, never more than six hours
LEASE_MARGIN = 30          # seconds beyond the timeout a sending worker holds a delivery

Status = WebhookDelivery.Status


def backoff(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """How long after its ``attempts``-th failed attempt a delivery is due again:
    30 s × 2^(attempts − 1), ±10 % jitter (endpoints that failed together do not all come back
    at once), capped at six hours."""
    base = BACKOFF_BASE * 2 ** max(0, min(attempts - 1, 20))
    jitter = (rng or random).uniform(0.9, 1.1)
    return dt.timedelta(seconds=min(base * jitter, BACKOFF_CAP))


def body_of(delivery: WebhookDelivery) -> bytes:
    """The JSON body: ``{"id", "type", "created", "data"}``, UTF-8."""
    payload = delivery.payload or {}
    document = {"id": delivery.pk, "type": payload.get("type", delivery.kind),
                "created": payload.get("created", ""), "data": payload.get("data", {})}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def headers_of(delivery: WebhookDelivery, body: bytes, *, secret: str) -> dict[str, str]:
    return {"X-Marketplace-Signature": signature_header(secret, body),
            "X-Marketplace-Event": delivery.kind,
            "X-Marketplace-Delivery": str(delivery.pk)}


def webhook_delivery_send(*, delivery_id: int) -> bool:
    """Make one attempt at ``delivery_id`` if it is pending and due; ``True`` if it was sent
    now."""
    now = timezone.now()
    with transaction.atomic():
        try:
            delivery = lock(WebhookDelivery, delivery_id, related=("endpoint",), missing=MISSING)
        except NotFound:
            return False  # its endpoint was deleted meanwhile
        if delivery.status != Status.PENDING or delivery.next_attempt_at > now:
            return False  # done, or another worker holds the lease, or not due yet
        endpoint = delivery.endpoint
        if not endpoint.active:
            delivery.status = Status.FAILED
            delivery.last_error = "endpoint inactive"
            delivery.save(update_fields=["status", "last_error"])
            return False
        delivery.attempts += 1
        delivery.next_attempt_at = now + dt.timedelta(
            seconds=settings.WEBHOOKS_TIMEOUT + LEASE_MARGIN)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        url, secret = endpoint.url, endpoint.secret
    body = body_of(delivery)
    answer = post(url, body, headers_of(delivery, body, secret=secret),
                  timeout=settings.WEBHOOKS_TIMEOUT)
    with transaction.atomic():
        try:
            delivery = lock(WebhookDelivery, delivery_id, missing=MISSING)
        except NotFound:
            return False
        done = timezone.now()
        WebhookAttempt.objects.create(delivery=delivery, at=done, status_code=answer.status_code,
                                      response_ms=answer.ms, error=answer.error)
        delivery.last_status_code = answer.status_code
        delivery.last_response_ms = answer.ms
        delivery.last_error = answer.error
        fields = ["last_status_code", "last_response_ms", "last_error", "status",
                  "next_attempt_at", "sent_at"]
        if answer.ok:
            delivery.status = Status.SENT
            delivery.sent_at = done
        elif delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
            delivery.status = Status.FAILED
        else:
            delivery.status = Status.PENDING
            delivery.next_attempt_at = done + backoff(delivery.attempts)
        delivery.save(update_fields=fields)
        return answer.ok


def webhook_deliveries_send(*, delivery_ids: list[int]) -> int:
    """``webhook_delivery_send`` each; the number sent."""
    return sum(webhook_delivery_send(delivery_id=pk) for pk in delivery_ids)


def webhook_deliveries_retry(*, limit: int = 200) -> int:
    """Attempt the deliveries due now (backoff over, lease expired, never enqueued), oldest due
    first; the number sent. The periodic step ``webhooks_retry``."""
    return webhook_deliveries_send(delivery_ids=due_delivery_ids(limit=limit))


@transaction.atomic
def webhook_delivery_replay(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery`` again now, whatever its state (the admin's "Replay"): it becomes
    pending and due, and one attempt is queued after commit. A failed delivery gets that one
    attempt; a replay that fails leaves it failed again."""
    delivery = lock(WebhookDelivery, delivery, related=("endpoint",), missing=MISSING)
    require_perm(actor, REPLAY_DELIVERY, delivery)
    before = delivery.status
    delivery.status = Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    audit_record(actor=actor, action="webhook.delivery_replayed", obj=delivery,
                 data={"endpoint": delivery.endpoint_id, "key": delivery.key,
                       "status": [before, Status.PENDING]})
    pk = delivery.pk
    transaction.on_commit(lambda: _enqueue([pk]), robust=True)
    return delivery


def _enqueue(ids: list[int]) -> None:
    # deferred: webhooks/tasks.py imports this module (a real cycle)
    from webhooks.tasks import webhook_deliveries_send as task

    task.delay(ids)
