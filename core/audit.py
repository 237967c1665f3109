"""The hash-chained audit trail (R12, docs/design.md §4).

``audit_record`` is called by every service that changes state, inside its transaction;
``audit_record_many`` appends several events under one lock of the chain head (batch writers
such as the credit recompute).
``audit_verify`` walks the chain and reports the first row altered, inserted or deleted, a
published head no longer on the chain (``PublishedHead``, ``audit_head_publish``), then every
business row that differs from its last audited state (``core.audit_rows``).

Action types are registered once with a label a person reads (``register_actions``, called by
each app's ``actions.py`` and by every declared state machine, as pretix's log display registry
does); recording an action nobody registered is a programming error and raises.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.audit_rows import AuditedState, RowDifference
from core.models import AuditEvent, AuditHead, PublishedHead

GENESIS = "0" * 64

_ACTIONS: dict[str, object] = {}


def register_actions(actions: Mapping[str, object]) -> None:
    """Declare audit action types (``"project.published"``) with their labels."""
    for code, label in actions.items():
        if code in _ACTIONS and str(_ACTIONS[code]) != str(label):
            raise ValueError(f"audit action {code!r} registered twice with different labels")
        _ACTIONS[code] = label


def action_label(code: str) -> str:
    """The label of a registered action type (the code itself for types no longer in use)."""
    return str(_ACTIONS.get(code, code))


def registered_actions() -> dict[str, object]:
    return dict(_ACTIONS)


def _normalise(data: dict | None) -> dict:
    """JSON-round-trip so what is hashed is exactly what the JSONField gives back."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def _canonical(*, seq, at, actor_id, actor_label, action, object_type, object_id, data) -> str:
    return json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(dt.timezone.utc).isoformat(),
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
        },
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _event_hash(event: AuditEvent) -> str:
    payload = _canonical(
        seq=event.seq, at=event.at, actor_id=event.actor_id, actor_label=event.actor_label,
        action=event.action, object_type=event.object_type, object_id=event.object_id,
        data=event.data,
    )
    return chain_hash(event.prev_hash, payload)


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def actor_label_for(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    member = getattr(user, "member", None)
    if member is not None:
        return f"{user.get_username()} ({member.organisation.name})"
    return user.get_username()


_LISTENERS: list[tuple[frozenset, Callable]] = []


def register_audit_listener(actions: Iterable[str], fn: Callable) -> None:
    """Call ``fn(events)`` with the events of ``actions`` each time some are appended, inside the
    transaction that appends them (after the rows are written), so what ``fn`` writes commits
    or rolls back with the change. For apps on a floor above that derive public records from
    the audited changes (the open-data releases, docs/architecture.md "Open data"). An action
    nobody listens to costs one set lookup: the bid path stays as it is."""
    _LISTENERS.append((frozenset(actions), fn))


def audit_record(*, actor, action: str, obj=None, data: dict | None = None,
                 object_type: str = "", object_id: str = "") -> AuditEvent:
    """Append one event. Call inside the transaction of the state change it records."""
    return audit_record_many([{"actor": actor, "action": action, "obj": obj, "data": data,
                               "object_type": object_type, "object_id": object_id}])[0]


def _entry(*, actor, action: str, obj=None, data: dict | None = None, object_type: str = "",
           object_id: str = "") -> tuple:
    """The keyword arguments of ``audit_record`` for one entry of ``audit_record_many``."""
    if obj is not None:
        object_type, object_id = _object_ref(obj)
    return actor, action, object_type, str(object_id), data


def audit_record_many(entries: Iterable[Mapping[str, Any]]) -> list[AuditEvent]:
    """Append several events, in order, under one lock of the chain head; each entry holds the
    keyword arguments of ``audit_record`` (``actor``, ``action``, ``obj`` or ``object_type`` and
    ``object_id``, ``data``). The events are chained and hashed exactly as ``audit_record`` does
    it, one after the other, so ``audit_verify`` cannot tell them apart.

    Call inside the transaction of the state changes it records; it takes no savepoint of its own
    (a failure here must roll the whole change back anyway)."""
    prepared = [_entry(**entry) for entry in entries]
    for _actor, action, *_rest in prepared:
        if action not in _ACTIONS:
            raise LookupError(f"audit action {action!r} is not registered (register_actions)")
    return _append(prepared) if prepared else []


@transaction.atomic(savepoint=False)
def _append(prepared: list[tuple]) -> list[AuditEvent]:
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    seq, prev_hash = head.count, head.last_hash
    events = []
    for actor, action, object_type, object_id, data in prepared:
        user = actor if getattr(actor, "is_authenticated", False) else None
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=timezone.now(),
            actor=user,
            actor_label=actor_label_for(user),
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=_normalise(data),
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = _event_hash(event)
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    head.count, head.last_hash = seq, prev_hash
    head.save(update_fields=["count", "last_hash"])
    for actions, listener in _LISTENERS:
        heard = [e for e in events if e.action in actions]
        if heard:
            listener(heard)
    return events


@dataclass
class AuditReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    differences: list[RowDifference] = field(default_factory=list)
    heads: int = 0

    def __str__(self) -> str:
        if self.differences:
            lines = [f"ROWS DIFFER from their audited state: {len(self.differences)} "
                     f"difference(s) ({self.checked} events, chain verified)"]
            lines += [f"  {d}" for d in self.differences]
            return "\n".join(lines)
        if self.ok:
            return (f"intact: {self.checked} events, chain verified, {self.heads} published "
                    "head(s) on it, audited rows match")
        return f"BROKEN at event #{self.first_bad_seq}: {self.problem} ({self.checked} checked)"


def _heads(extra: Iterable[Mapping[str, Any]] | None) -> dict[int, tuple[str, str]]:
    """seq → (hash, when) of the heads to check: those published here plus ``extra`` (copies
    kept elsewhere, in the form of ``/audit/heads.json``)."""
    heads = {row.seq: (row.hash, str(row.date)) for row in PublishedHead.objects.all()}
    for row in extra or ():
        heads.setdefault(int(row["seq"]), (str(row["hash"]), str(row.get("date", "?"))))
    heads.pop(0, None)  # the empty chain is a prefix of any chain
    return heads


def audit_verify(*, heads: Iterable[Mapping[str, Any]] | None = None) -> AuditReport:
    """Recompute the chain from the first row; report the first row that was altered, inserted
    or deleted (a gap in sequence numbers, a link that does not match, a hash that does not), a
    published head no longer on the chain (the history was rewritten), then every audited
    business row that differs from its last audited state (``core.audit_rows``).

    One pass over the chain and one query per audited model; ``heads`` adds heads kept
    outside the database (``{"seq", "hash", "date"}``) to those in ``PublishedHead``."""
    published = _heads(heads)
    state = AuditedState()
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                return AuditReport(False, checked, expected_seq,
                                   f"event #{expected_seq} is missing (deleted)")
            return AuditReport(False, checked, event.seq, "sequence out of order (inserted)")
        if event.prev_hash != prev:
            return AuditReport(False, checked, event.seq,
                               "link to the previous event does not match (inserted or deleted)")
        if _event_hash(event) != event.hash:
            return AuditReport(False, checked, event.seq, "content does not match its hash (altered)")
        head = published.get(event.seq)
        if head is not None and head[0] != event.hash:
            return AuditReport(False, checked, event.seq,
                               f"the head published on {head[1]} (#{event.seq} {head[0]}) is not "
                               "on the chain any more (history rewritten)")
        state.add(seq=event.seq, action=event.action, object_type=event.object_type,
                  object_id=event.object_id, data=event.data)
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.count != checked or head.last_hash != prev):
        return AuditReport(False, checked, checked + 1,
                           f"the chain ends at #{checked} but {head.count} events were written "
                           "(the newest were deleted)")
    beyond = sorted(seq for seq in published if seq > checked)
    if beyond:
        seq = beyond[0]
        return AuditReport(False, checked, checked + 1,
                           f"the head published on {published[seq][1]} (#{seq}) is beyond the "
                           f"end of the chain at #{checked} (history truncated)")
    differences = state.differences()
    return AuditReport(not differences, checked, differences=differences,
                       heads=len(published))


@transaction.atomic
def audit_head_publish(*, now: dt.datetime | None = None) -> tuple[PublishedHead, bool]:
    """Publish today's head of the chain (``(head, created)``); idempotent per day: the head
    published earlier today is returned unchanged. Reads the head under its row lock, so the
    published ``(seq, hash)`` is an event that exists. It is not audited itself: an audit event
    would move the very head it publishes."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    existing = PublishedHead.objects.filter(date=today).first()
    if existing is not None:
        return existing, False
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return PublishedHead.objects.get_or_create(
        date=today, defaults={"seq": head.count, "hash": head.last_hash, "published_at": now})


def event_for(obj, action: str | None = None):
    """The newest audit event recorded on ``obj`` (optionally of one action)."""
    object_type, object_id = _object_ref(obj)
    qs = AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-seq").first()
