"""The reads of webhooks: an organisation's endpoints, an endpoint's delivery log, the
endpoints an event reaches and the deliveries due now (docs/architecture.md, "Webhooks")."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from webhooks.models import Endpoint, WebhookDelivery
from webhooks.public import OBSERVER_KINDS, is_public


def endpoints_of(organisation) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(organisation=organisation).order_by("pk")


def endpoint_deliveries(endpoint) -> QuerySet[WebhookDelivery]:
    """``endpoint``'s deliveries, newest first, with their attempts."""
    return (WebhookDelivery.objects.filter(endpoint=endpoint)
            .prefetch_related("attempt_log").order_by("-created", "-pk"))


def endpoints_for_event(kind: str, organisation_ids) -> list[Endpoint]:
    """The active endpoints an event of ``kind`` addressed to ``organisation_ids`` reaches: the
    addressed organisations' endpoints that chose ``kind`` (or "*"), and for a public kind
    (``webhooks/public.py``) those of every regulator and approval department. One query; the
    event types are matched here because SQLite has no JSON containment lookup."""
    reach = Q(organisation_id__in=list(organisation_ids))
    if is_public(kind):
        reach |= Q(organisation__kind__in=OBSERVER_KINDS)
    return [e for e in Endpoint.objects.filter(reach, active=True).order_by("pk")
            if e.wants(kind)]


def due_delivery_ids(*, now=None, limit: int = 200) -> list[int]:
    """Pending deliveries whose next attempt is due, oldest due first."""
    now = now or timezone.now()
    return list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING,
                                               next_attempt_at__lte=now)
                .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
