"""The Celery tasks of webhooks (the app is ``marketplace/celery.py``). Acknowledged once run
and rejected back to the queue when the worker dies, like ``notifications/tasks.py``; the
periodic ``webhooks_retry`` sends whatever is due or stayed pending, and the lease taken by
``webhooks/services/sending.py::webhook_delivery_send`` keeps two workers from posting one
delivery at once."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="webhooks.deliveries_send", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def webhook_deliveries_send(delivery_ids: list[int]) -> int:
    # deferred: the services import this module to enqueue (a real cycle)
    from webhooks.services.sending import webhook_deliveries_send as send

    return send(delivery_ids=delivery_ids)


@shared_task(name="webhooks.deliveries_retry", ignore_result=True)
def webhook_deliveries_retry() -> int:
    from webhooks.services.sending import webhook_deliveries_retry as retry  # the same cycle

    return retry()
