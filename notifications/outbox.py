"""The one call every service makes to tell people something (docs/architecture.md,
"Notifications")::

    notify("award.made", to=[award.project.purchaser, award.agency], obj=award,
           url=award.get_absolute_url(), data={"project": project.title, …},
           key=f"award.made:{award.pk}")

inside the service's own transaction. It writes one intent (``Notification``) per recipient
user and one ``Delivery`` per channel, and schedules their delivery by the Celery worker with
``transaction.on_commit``: if the caller rolls back, nothing was written and nothing is sent. The
worker delivers at least once; the rows' unique keys make a repeat harmless.

``to`` mixes users and organisations (an organisation means every member); a person reached
twice is notified once. ``key`` names the event: a second ``notify`` with the same key reaches
nobody again (an event retried by a periodic step, say). ``data`` must be JSON: the texts are
rendered from it in each reader's language (``notifications.kinds.render``).

Apps above may react to every event, addressed people or not, with ``register_event_listener``:
``notify`` calls each listener inside its transaction with an ``Event`` (the kind, key, object,
link, data and the organisations addressed), before it looks for people to tell, so an event
addressed to an organisation without members still reaches its webhooks
(docs/architecture.md, "Webhooks"). A listener must be idempotent on ``Event.key``: the same
event notified twice calls it twice.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.models import Member, Organisation
from notifications.channel_registry import registered_channels
from notifications.kinds import kind_spec
from notifications.models import Delivery, Notification
from notifications.tasks import deliveries_send


@dataclass(frozen=True)
class Event:
    """What ``notify`` tells its listeners: the event itself, whoever receives it.
    ``organisation_ids`` are the organisations addressed: those in ``to`` and those of the
    users in ``to``, each once, sorted."""

    kind: str
    key: str
    object_type: str
    object_id: str
    url: str
    data: dict
    organisation_ids: tuple[int, ...]
    at: dt.datetime


_LISTENERS: list[Callable[[Event], None]] = []


def register_event_listener(fn: Callable[[Event], None]) -> None:
    """Call ``fn(event)`` for every ``notify``, inside its transaction (an exception rolls the
    caller back, like any write of its own). Registering the same function twice is harmless."""
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)


def organisations_addressed(to: Iterable) -> tuple[int, ...]:
    """The ids of the organisations in ``to`` and of the users' organisations, sorted."""
    org_ids: set[int] = set()
    user_ids: list[int] = []
    User = get_user_model()
    for party in to:
        if isinstance(party, Organisation):
            org_ids.add(party.pk)
        elif isinstance(party, User):
            user_ids.append(party.pk)
    if user_ids:
        org_ids.update(Member.objects.filter(user_id__in=user_ids)
                       .values_list("organisation_id", flat=True))
    return tuple(sorted(org_ids))


def recipients(to: Iterable) -> list[int]:
    """The ids of the active users ``to`` names (users and organisations' members), each once,
    in a stable order."""
    user_ids: list[int] = []
    org_ids: list[int] = []
    User = get_user_model()
    for party in to:
        if isinstance(party, Organisation):
            org_ids.append(party.pk)
        elif isinstance(party, User):
            if party.is_active:
                user_ids.append(party.pk)
        else:
            raise TypeError(f"notify(to=…): expected users or organisations, got {party!r}")
    if org_ids:
        user_ids += list(Member.objects.filter(organisation_id__in=org_ids, user__is_active=True)
                         .order_by("user_id").values_list("user_id", flat=True))
    return list(dict.fromkeys(user_ids))


@transaction.atomic
def notify(kind: str, *, to, obj=None, url: str = "", data: dict | None = None,
           key: str) -> int:
    """Record the intent to tell each recipient about ``kind``; returns how many people get a
    new notification (0 when ``key`` was notified before to all of them)."""
    kind_spec(kind)  # LookupError before anything is written
    if not key:
        raise ValueError("notify(): key, the event's idempotency key, is required")
    data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))  # refuse non-JSON now
    object_type = object_id = ""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    to = list(to)
    user_ids = recipients(to)
    if _LISTENERS:
        event = Event(kind=kind, key=key, object_type=object_type, object_id=object_id,
                      url=url[:500], data=data, organisation_ids=organisations_addressed(to),
                      at=timezone.now())
        for listener in list(_LISTENERS):
            listener(event)
    if not user_ids:
        return 0
    known = set(Notification.objects.filter(key=key, user_id__in=user_ids)
                .values_list("user_id", flat=True))
    fresh = [uid for uid in user_ids if uid not in known]
    if not fresh:
        return 0
    Notification.objects.bulk_create(
        [Notification(user_id=uid, kind=kind, key=key, object_type=object_type,
                      object_id=object_id, url=url[:500], data=data) for uid in fresh],
        ignore_conflicts=True)  # a concurrent notify of the same key: theirs stands
    made = list(Notification.objects.filter(key=key, user_id__in=fresh)
                .exclude(deliveries__isnull=False).order_by("pk"))
    deliveries = [Delivery(notification=n, channel=channel.name)
                  for channel in registered_channels() for n in channel.wanted(made)]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    ids = list(Delivery.objects.filter(notification__in=made, status=Delivery.Status.PENDING)
               .values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return len(made)


def _enqueue(delivery_ids: list[int]) -> None:
    """Hand the deliveries to the worker. If the broker is unreachable the rows stay pending and
    the periodic retry (``notifications_retry``) sends them: the database is the outbox."""
    deliveries_send.delay(delivery_ids)
