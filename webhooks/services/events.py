"""From events to deliveries: the listener ``notify`` calls (``webhooks/apps.py`` registers it
with ``notifications.outbox.register_event_listener``) and the test event of an endpoint.

A delivery row is written inside the emitting service's transaction (the outbox again: a
service that rolls back delivers nothing) and sent by the worker once it commits. Unique per
(endpoint, event key): the same event notified twice makes no second delivery. Like the
notification deliveries, these rows are the platform's own bookkeeping, not a party's act, so
no audit event is written per delivery (docs/architecture.md, "Webhooks").
"""
from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction

from notifications.outbox import Event
from webhooks.models import Endpoint, WebhookDelivery
from webhooks.selectors.endpoints import endpoints_for_event
from webhooks.tasks import webhook_deliveries_send

PING = "webhook.ping"


def absolute_url(url: str) -> str:
    """``url`` made absolute against ``settings.WEBHOOKS_SITE_URL`` (empty stays empty)."""
    return urljoin(settings.WEBHOOKS_SITE_URL + "/", url) if url else ""


def envelope(event: Event) -> dict:
    """The payload of a delivery of ``event`` without its ``id`` (the delivery's, added when it
    is sent: ``webhooks/services/sending.py::body_of``)."""
    return {"type": event.kind, "created": event.at.isoformat(), "data": {
        **event.data, "object_type": event.object_type, "object_id": event.object_id,
        "url": absolute_url(event.url)}}


def deliveries_create(endpoints: list[Endpoint], event: Event) -> list[int]:
    """Write the deliveries of ``event`` to ``endpoints`` that do not have it yet, and queue
    their sending after commit; returns the new deliveries' ids."""
    if not endpoints:
        return []
    known = set(WebhookDelivery.objects.filter(key=event.key, endpoint__in=endpoints)
                .values_list("endpoint_id", flat=True))
    fresh = [e for e in endpoints if e.pk not in known]
    if not fresh:
        return []
    payload = envelope(event)
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, key=event.key, kind=event.kind, payload=payload)
         for e in fresh], ignore_conflicts=True)  # a concurrent notify of the key: theirs stands
    ids = list(WebhookDelivery.objects.filter(key=event.key, endpoint__in=fresh,
                                              status=WebhookDelivery.Status.PENDING)
               .order_by("pk").values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return ids


def webhook_event_record(event: Event) -> list[int]:
    """The outbox's listener: deliver ``event`` to every endpoint it reaches
    (``webhooks/selectors/endpoints.py::endpoints_for_event``). Precondition: inside the
    transaction of the ``notify`` that emitted it."""
    return deliveries_create(endpoints_for_event(event.kind, event.organisation_ids), event)


def _enqueue(ids: list[int]) -> None:
    """Hand the deliveries to the worker. If the broker is unreachable they stay pending and
    the periodic ``webhooks_retry`` sends them."""
    webhook_deliveries_send.delay(ids)
