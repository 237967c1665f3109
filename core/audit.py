"""The hash-chained audit trail (R12, docs/design.md §4; docs/architecture.md, "Audit trail").

``audit_record`` is called by every service that changes state, inside its transaction;
``audit_record_many`` appends several events under one lock (batch writers such as the credit
recompute).

The trail is ``STREAMS`` chains (streams), each with its own head row (``AuditHead``), so that
auditing does not make every write of the platform wait on one row. The first event of a
transaction picks the stream from a key (the object it is on, or ``stream=``: the bid path
passes the project, so an auction's bids chain together) and every later event of that
transaction goes to the same stream: a transaction locks exactly one head, and two
transactions never deadlock on heads. The global ``seq`` orders the whole trail (unique,
increasing in the order one object's events are written, with gaps on PostgreSQL where it is
drawn from a sequence under the stream's lock); ``stream_seq`` numbers a stream 1..n.

``audit_verify`` walks every stream in one pass and reports the first row altered, inserted or
deleted, a stream head or a published head no longer on its stream (``PublishedHead``,
``audit_head_publish``), then every business row that differs from its last audited state
(``core.audit_rows``).

Action types are registered once with a label a person reads (``register_actions``, called by
each app's ``actions.py`` and by every declared state machine, as pretix's log display registry
does); recording an action nobody registered is a programming error and raises.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.audit_rows import AuditedState, RowDifference
from core.models import AuditEvent, AuditHead, PublishedHead
from core.prepared import insert_rows, update_statement

GENESIS = "0" * 64
STREAMS = 64  # fixed: an event's stream is part of its hash (core/migrations/0010_audit_streams.py)
SEQUENCE = "core_audit_seq"  # PostgreSQL's source of the global seq (same migration)

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


def _canonical(*, seq, stream, stream_seq, at, actor_id, actor_label, action, object_type,
               object_id, data) -> str:
    """What an event's hash covers. An event of stream 1 whose global ``seq`` is its position in
    the stream (every event written before streams existed) keeps the form it was hashed in;
    any other event also binds its ``stream`` and ``stream_seq``, so moving a row to another
    stream or position breaks its hash as surely as editing it."""
    payload = {
        "seq": seq,
        "at": at.astimezone(dt.timezone.utc).isoformat(),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
    }
    if stream != 1 or seq != stream_seq:
        payload.update(stream=stream, stream_seq=stream_seq)
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _event_hash(event: AuditEvent) -> str:
    payload = _canonical(
        seq=event.seq, stream=event.stream, stream_seq=event.stream_seq, at=event.at,
        actor_id=event.actor_id, actor_label=event.actor_label, action=event.action,
        object_type=event.object_type, object_id=event.object_id, data=event.data,
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
                 object_type: str = "", object_id: str = "", stream=None) -> AuditEvent:
    """Append one event. Call inside the transaction of the state change it records.

    ``stream`` (a model instance or a string) names the stream of the transaction's first
    event; by default it is the object the event is on (``stream_of``)."""
    return audit_record_many([{"actor": actor, "action": action, "obj": obj, "data": data,
                               "object_type": object_type, "object_id": object_id}],
                             stream=stream)[0]


def _entry(*, actor, action: str, obj=None, data: dict | None = None, object_type: str = "",
           object_id: str = "") -> tuple:
    """The keyword arguments of ``audit_record`` for one entry of ``audit_record_many``."""
    if obj is not None:
        object_type, object_id = _object_ref(obj)
    return actor, action, object_type, str(object_id), data


def audit_record_many(entries: Iterable[Mapping[str, Any]], *, stream=None) -> list[AuditEvent]:
    """Append several events, in order, under one lock of a stream head; each entry holds the
    keyword arguments of ``audit_record`` (``actor``, ``action``, ``obj`` or ``object_type`` and
    ``object_id``, ``data``). The events are chained and hashed exactly as ``audit_record`` does
    it, one after the other, so ``audit_verify`` cannot tell them apart.

    Call inside the transaction of the state changes it records; it takes no savepoint of its own
    (a failure here must roll the whole change back anyway)."""
    prepared = [_entry(**entry) for entry in entries]
    for _actor, action, *_rest in prepared:
        if action not in _ACTIONS:
            raise LookupError(f"audit action {action!r} is not registered (register_actions)")
    if not prepared:
        return []
    _actor, _action, object_type, object_id, _data = prepared[0]
    return _append(prepared, stream if stream is not None else f"{object_type}:{object_id}")


def stream_of(key) -> int:
    """The stream (1..``STREAMS``) of ``key``: a model instance (its ``label:pk``) or a string,
    by a stable hash, so one object's events meet in one stream whatever the process."""
    if not isinstance(key, str):
        key = ":".join(_object_ref(key))
    return zlib.crc32(key.encode("utf-8")) % STREAMS + 1


def _transaction_stream(key) -> int:
    """The stream of the current transaction: the one its first event chose (its head is
    locked already), else ``stream_of(key)``, remembered on the connection until the commit.
    So a transaction locks one head and two transactions never deadlock on heads. A stream
    remembered by a transaction that rolled back is recognised by its forgotten commit hook
    (the rollback dropped it) and replaced."""
    connection = transaction.get_connection()
    held = getattr(connection, "_audit_stream", None)
    if held is not None and _still_pending(connection.run_on_commit, held[1], held[2]):
        return held[0]
    stream = stream_of(key)

    def forget():
        if getattr(connection, "_audit_stream", None) is remembered:
            connection._audit_stream = None

    remembered = (stream, forget, len(connection.run_on_commit))   # where on_commit puts it
    connection._audit_stream = remembered
    transaction.on_commit(forget)
    return stream


def _still_pending(hooks: list, hook, index: int) -> bool:
    """Whether ``hook`` is still among the transaction's commit hooks, looked for from the
    place it was added downwards (a rolled-back savepoint removes only hooks added within it,
    so it can only have moved down): one comparison in the usual case, where a transaction
    with thousands of hooks (a batch, the demo) would otherwise scan them on every event."""
    for i in range(min(index, len(hooks) - 1), -1, -1):
        if hooks[i][1] is hook:
            return True
    return False


def _lock_head(stream: int, count: int) -> tuple[int, str, list[int]]:
    """Lock the head of ``stream``: its length and last hash, and ``count`` global sequence
    numbers allocated while holding the lock (so within a stream, ``seq`` grows with
    ``stream_seq``), in one query. PostgreSQL draws them from ``SEQUENCE`` (after the lock: the
    locking select is a materialised CTE); SQLite, whose writers are serialised, continues the
    largest. A head missing (a flushed test database) is created first."""
    connection = transaction.get_connection()
    head, events = AuditHead._meta.db_table, AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        sql = (f"WITH h AS MATERIALIZED (SELECT count, last_hash FROM {head} WHERE id = %s "
               f"FOR UPDATE) SELECT h.count, h.last_hash, nextval('{SEQUENCE}') "
               "FROM h, generate_series(1, %s)")
    else:
        sql = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
               f"SELECT h.count, h.last_hash, (SELECT COALESCE(MAX(seq), 0) FROM {events}) + n.i "
               f"FROM {head} h, n WHERE h.id = %s")
    params = [stream, count] if connection.vendor == "postgresql" else [count, stream]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if not rows:
            AuditHead.objects.bulk_create([AuditHead(pk=stream)], ignore_conflicts=True)
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    return rows[0][0], rows[0][1], sorted(row[2] for row in rows)


@transaction.atomic(savepoint=False)
def _append(prepared: list[tuple], key) -> list[AuditEvent]:
    stream = _transaction_stream(key)
    position, prev_hash, seqs = _lock_head(stream, len(prepared))
    events = []
    for (actor, action, object_type, object_id, data), seq in zip(prepared, seqs, strict=True):
        user = actor if getattr(actor, "is_authenticated", False) else None
        position += 1
        event = AuditEvent(
            seq=seq,
            stream=stream,
            stream_seq=position,
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
    _write(events, stream)
    for actions, listener in _LISTENERS:
        heard = [e for e in events if e.action in actions]
        if heard:
            listener(heard)
    return events


def _write(events: list[AuditEvent], stream: int) -> None:
    """Insert ``events`` (chained, hashed) and move the head of ``stream`` to the last, in one
    round trip on PostgreSQL (``core.prepared.insert_rows``: every audited write of the
    platform pays it)."""
    last = events[-1]
    head = AuditHead(pk=stream, count=last.stream_seq, last_hash=last.hash, last_seq=last.seq)
    insert_rows(events, before=update_statement(head, ["count", "last_hash", "last_seq"]))


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
        where = f" at event #{self.first_bad_seq}" if self.first_bad_seq is not None else ""
        return f"BROKEN{where}: {self.problem} ({self.checked} checked)"


def root_hash(streams: Mapping) -> str:
    """The root hash over every stream's head (``{stream: [count, hash]}``): sha256 of their
    sorted canonical list, what a published row's ``hash`` is."""
    heads = sorted([int(k), int(count), str(h)] for k, (count, h) in streams.items())
    return hashlib.sha256(json.dumps(heads, separators=(",", ":")).encode("utf-8")).hexdigest()


def _published_streams(row: Mapping[str, Any]) -> dict[int, tuple[int, str]]:
    """stream → (count, hash) of one published row; a row published before streams existed
    names the head of stream 1."""
    if row.get("streams"):
        return {int(k): (int(count), str(h)) for k, (count, h) in row["streams"].items()}
    return {1: (int(row["seq"]), str(row["hash"]))}


def _heads(extra: Iterable[Mapping[str, Any]] | None
           ) -> tuple[dict[tuple[int, int], list[tuple[str, str]]], int, str]:
    """(stream, count) → [(hash, when)] of the heads to check: those published here plus
    ``extra`` (copies kept elsewhere, in the form of ``/audit/heads.json``), with how many
    rows; a row whose root hash does not match its streams is named as the third item."""
    rows = [{"date": str(row.date), "seq": row.seq, "hash": row.hash, "streams": row.streams}
            for row in PublishedHead.objects.all()]
    rows += [{**row, "date": str(row.get("date", "?"))} for row in extra or ()]
    heads: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for row in rows:
        if row.get("streams") and root_hash(row["streams"]) != row["hash"]:
            return heads, len(rows), row["date"]
        for stream, (count, h) in _published_streams(row).items():
            if count:  # the empty stream is a prefix of any stream
                heads.setdefault((stream, count), []).append((h, row["date"]))
    return heads, len(rows), ""


@dataclass
class _Stream:
    """Where the walk stands in one stream: the next position and the last hash."""

    expected: int = 1
    prev: str = GENESIS
    last_seq: int = 0


def _check_event(event: AuditEvent, chain: _Stream) -> str:
    """What is wrong with ``event`` as the next event of its stream (empty: nothing)."""
    if event.stream_seq != chain.expected:
        if event.stream_seq > chain.expected:
            return (f"event {chain.expected} of stream {event.stream} (before #{event.seq}) is "
                    "missing (deleted)")
        return f"stream {event.stream} out of order at its event {event.stream_seq} (inserted)"
    if event.prev_hash != chain.prev:
        return "link to the previous event does not match (inserted or deleted)"
    if _event_hash(event) != event.hash:
        return "content does not match its hash (altered)"
    return ""


def audit_verify(*, heads: Iterable[Mapping[str, Any]] | None = None) -> AuditReport:
    """Recompute every stream's chain from its first row; report the first row that was
    altered, inserted or deleted (a gap in a stream's positions, a link that does not match, a
    hash that does not), a stream head or a published head no longer on its stream (the
    history was rewritten or cut), then every audited business row that differs from its last
    audited state (``core.audit_rows``).

    One pass over the events in global ``seq`` order (the order of the row states) and one
    query per audited model; ``heads`` adds heads kept outside the database (``{"seq",
    "hash", "date", "streams"}``) to those in ``PublishedHead``."""
    published, published_rows, bad_root = _heads(heads)
    if bad_root:
        return AuditReport(False, 0, None, f"the head published on {bad_root} does not match its "
                           "stream heads (altered)")
    state = AuditedState()
    chains: dict[int, _Stream] = {}
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if not 1 <= event.stream <= STREAMS:
            return AuditReport(False, checked, event.seq, "the event is in no stream (inserted)")
        chain = chains.setdefault(event.stream, _Stream())
        problem = _check_event(event, chain)
        if problem:
            return AuditReport(False, checked, event.seq, problem)
        for h, when in published.get((event.stream, event.stream_seq), ()):
            if h != event.hash:
                return AuditReport(False, checked, event.seq,
                                   f"the head published on {when} (stream {event.stream} at "
                                   f"{event.stream_seq}, {h}) is not on the chain any more "
                                   "(history rewritten)")
        state.add(seq=event.seq, action=event.action, object_type=event.object_type,
                  object_id=event.object_id, data=event.data)
        chain.expected, chain.prev, chain.last_seq = event.stream_seq + 1, event.hash, event.seq
        checked += 1
    problem = _ends(chains, published, checked)
    if problem is not None:
        return problem
    differences = state.differences()
    return AuditReport(not differences, checked, differences=differences,
                       heads=published_rows)


def _ends(chains: dict[int, _Stream], published, checked: int) -> AuditReport | None:
    """Each stream's head against the end of its chain (the newest rows deleted), then the
    published heads beyond the end of their stream (the history cut)."""
    heads = {head.pk: head for head in AuditHead.objects.all()}
    for stream in sorted(set(heads) | set(chains)):
        chain = chains.get(stream, _Stream())
        head = heads.get(stream, AuditHead(pk=stream))
        if head.count != chain.expected - 1 or (head.count and head.last_hash != chain.prev):
            return AuditReport(False, checked, head.last_seq or None,
                               f"stream {stream} ends at its event {chain.expected - 1} but its "
                               f"head says {head.count} were written (the newest were deleted, "
                               "or the head)")
    for stream, count in sorted(published):
        end = chains.get(stream, _Stream()).expected - 1
        if count > end:
            when = published[(stream, count)][0][1]
            return AuditReport(False, checked, None,
                               f"the head published on {when} (stream {stream} at {count}) is "
                               f"beyond the end of the stream at {end} (history truncated)")
    return None


@transaction.atomic
def audit_head_publish(*, now: dt.datetime | None = None) -> tuple[PublishedHead, bool]:
    """Publish today's heads of the chain's streams (``(head, created)``); idempotent per day:
    the head published earlier today is returned unchanged. Reads every stream's head in one
    query without locking them (writers go on): a head is only ever advanced, so a committed
    ``(count, hash)`` names an event that exists. It is not audited itself: an audit event
    would move a head it publishes."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    existing = PublishedHead.objects.filter(date=today).first()
    if existing is not None:
        return existing, False
    streams = {str(pk): [count, h] for pk, count, h in
               AuditHead.objects.filter(count__gt=0).order_by("pk")
               .values_list("pk", "count", "last_hash")}
    total = sum(count for count, _h in streams.values())
    return PublishedHead.objects.get_or_create(
        date=today, defaults={"seq": total, "hash": root_hash(streams), "streams": streams,
                              "published_at": now})


def event_for(obj, action: str | None = None):
    """The newest audit event recorded on ``obj`` (optionally of one action)."""
    object_type, object_id = _object_ref(obj)
    qs = AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-seq").first()
