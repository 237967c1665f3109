"""The Celery tasks of notifications (the app is ``marketplace/celery.py``).

``deliveries_send`` is acknowledged only once it has run (``acks_late``, and rejected back to
the queue when its worker dies), and a worker that starts sends what stayed pending
(``worker_ready``): together with the periodic ``notifications_retry`` nothing written to the
outbox is lost, and the row locks in ``delivery_send`` make every repeat a no-op."""
from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init, worker_ready

from notifications.services import delivery, live

log = logging.getLogger(__name__)


@shared_task(name="notifications.deliveries_send", acks_late=True,
             reject_on_worker_lost=True, ignore_result=True)
def deliveries_send(delivery_ids: list[int]) -> int:
    return delivery.deliveries_send(delivery_ids=delivery_ids)


@shared_task(name="notifications.deliveries_retry", ignore_result=True)
def deliveries_retry() -> int:
    return delivery.deliveries_retry()


@worker_ready.connect(dispatch_uid="notifications.retry_on_worker_ready")
def _retry_on_start(sender=None, **kwargs):
    """A worker that starts picks up what a dead one left pending."""
    deliveries_retry.delay()


@worker_process_init.connect(dispatch_uid="notifications.send_in_background")
def _send_in_background(**kwargs):
    live.send_in_background()
