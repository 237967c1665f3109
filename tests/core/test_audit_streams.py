"""The audit chain in streams (core/audit.py): a transaction sticks to one stream, writers on
other streams do not wait for it (PostgreSQL), and an edit, insertion or deletion in any stream,
or a published head rewritten, is still detected."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import F

from bidding.services.auctions import bid_place
from core.audit import (
    GENESIS,
    _event_hash,
    audit_head_publish,
    audit_record,
    audit_verify,
    root_hash,
    stream_of,
)
from core.models import AuditEvent, AuditHead, PublishedHead
from tests.conftest import requires_postgres
from tests.factories import bidding as bf


def _key_in(wanted, *, not_in=()) -> str:
    """A stream key whose stream satisfies ``wanted`` and is none of ``not_in``."""
    return next(k for k in (f"key-{i}" for i in range(10_000))
                if wanted(stream_of(k)) and stream_of(k) not in not_in)


def _write(n: int, key: str, capture) -> list[AuditEvent]:
    """``n`` events of one committed transaction on the stream of ``key`` (the commit hooks run,
    so the next transaction picks its stream afresh)."""
    with capture(execute=True):
        return [audit_record(actor=None, action="test.thing", object_type="test",
                             object_id=str(i), data={"i": i}, stream=key) for i in range(n)]


def test_the_stream_is_stable_and_in_range():
    assert stream_of("bidding.project:7") == stream_of("bidding.project:7")
    assert {stream_of(f"k{i}") for i in range(2000)} == set(range(1, 65))


@pytest.mark.django_db
def test_every_event_of_a_transaction_goes_to_the_stream_of_its_first(
        django_capture_on_commit_callbacks):
    first = _key_in(lambda s: s != 1)
    other = _key_in(lambda s: True, not_in={stream_of(first)})
    with django_capture_on_commit_callbacks(execute=True):
        a = audit_record(actor=None, action="test.thing", object_type="test", object_id="1",
                         stream=first)
        b = audit_record(actor=None, action="test.thing", object_type="test", object_id="2",
                         stream=other)  # the transaction holds its head already
        c = audit_record(actor=None, action="test.thing", object_type="test", object_id="3")
    assert {a.stream, b.stream, c.stream} == {stream_of(first)}
    assert [a.stream_seq, b.stream_seq, c.stream_seq] == [1, 2, 3]
    # committed: the next transaction picks its own
    assert _write(1, other, django_capture_on_commit_callbacks)[0].stream == stream_of(other)
    assert audit_verify().ok


@pytest.mark.django_db
def test_a_rolled_back_transaction_does_not_pin_its_stream():
    first = _key_in(lambda s: s != 1)
    other = _key_in(lambda s: True, not_in={stream_of(first)})
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.thing", object_type="test", object_id="1",
                     stream=first)
        raise RuntimeError("rolled back")
    event = audit_record(actor=None, action="test.thing", object_type="test", object_id="2",
                         stream=other)
    assert event.stream == stream_of(other) and event.stream_seq == 1


@pytest.mark.django_db
def test_the_default_stream_is_the_object_and_a_bid_goes_to_its_project(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # each step commits: a fresh stream
        project, signups = bf.live_auction(bidders=1)
    with django_capture_on_commit_callbacks(execute=True):
        bid = bid_place(actor=signups[0].agency.organisation.members.first().user,
                        project=project, value="95000")
    event = AuditEvent.objects.get(action="bid.placed", object_id=str(bid.pk))
    assert event.stream == stream_of(project) == stream_of(f"bidding.project:{project.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        on_signup = audit_record(actor=None, action="test.thing", obj=signups[0])
    assert on_signup.stream == stream_of(f"{signups[0]._meta.label_lower}:{signups[0].pk}")


def test_an_event_of_the_old_single_chain_keeps_its_hash():
    """Stream 1 at ``seq == stream_seq`` is hashed as before streams existed, so the events and
    the heads published before keep verifying."""
    event = AuditEvent(seq=3, stream=1, stream_seq=3,
                       at=dt.datetime(2026, 11, 1, 8, tzinfo=dt.timezone.utc), actor_label="system",
                       action="test.thing", object_type="test", object_id="1", data={"i": 1},
                       prev_hash=GENESIS)
    old = json.dumps({"seq": 3, "at": "2026-11-01T08:00:00+00:00", "actor": None,
                      "actor_label": "system", "action": "test.thing", "object_type": "test",
                      "object_id": "1", "data": {"i": 1}},
                     sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert _event_hash(event) == hashlib.sha256((GENESIS + old).encode()).hexdigest()
    event.stream = 5  # the same row in another stream is another hash
    assert _event_hash(event) != hashlib.sha256((GENESIS + old).encode()).hexdigest()


# --- tampering with a stream other than 1 ------------------------------------------------------


@pytest.fixture
def streams(db, django_capture_on_commit_callbacks):
    """Five events on a stream k ≠ 1 between events of two other streams."""
    k = _key_in(lambda s: s != 1)
    before = _key_in(lambda s: True, not_in={stream_of(k)})
    after = _key_in(lambda s: True, not_in={stream_of(k), stream_of(before)})
    _write(2, before, django_capture_on_commit_callbacks)
    chain = _write(5, k, django_capture_on_commit_callbacks)
    _write(2, after, django_capture_on_commit_callbacks)
    assert audit_verify().ok and {e.stream for e in chain} == {stream_of(k)} != {1}
    return chain


def test_an_edit_on_a_stream_is_reported(streams):
    AuditEvent.objects.filter(pk=streams[2].pk).update(data={"i": 99})
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == streams[2].seq
    assert "altered" in report.problem


def test_a_moved_event_is_reported(streams):
    AuditEvent.objects.filter(pk=streams[4].pk).update(stream=1, stream_seq=10_000)
    assert not audit_verify().ok


def test_an_insertion_on_a_stream_is_reported(streams):
    """A forged third event with a valid hash of its own in the third one's place, the rest
    moved up one place (in two steps: the positions are unique)."""
    stream, far = streams[0].stream, 10**9
    AuditEvent.objects.filter(stream=stream, stream_seq__gte=3).update(
        seq=F("seq") + far, stream_seq=F("stream_seq") + far)
    AuditEvent.objects.filter(stream=stream, stream_seq__gte=far).update(
        stream_seq=F("stream_seq") - far + 1)
    forged = AuditEvent(seq=streams[2].seq, stream=stream, stream_seq=3, at=streams[2].at,
                        action="test.forged", object_type="test", object_id="x", data={},
                        prev_hash=streams[1].hash)
    forged.hash = _event_hash(forged)
    forged.save()
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == streams[2].seq + far
    assert "inserted" in report.problem


def test_a_deletion_in_the_middle_of_a_stream_is_reported(streams):
    AuditEvent.objects.filter(pk=streams[1].pk)._raw_delete(AuditEvent.objects.db)
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == streams[2].seq
    assert f"event 2 of stream {streams[0].stream}" in report.problem
    assert "deleted" in report.problem


def test_deleting_the_newest_event_of_a_stream_is_reported_against_its_head(streams):
    AuditEvent.objects.filter(pk=streams[-1].pk)._raw_delete(AuditEvent.objects.db)
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == streams[-1].seq
    assert f"stream {streams[0].stream} ends at its event 4" in report.problem


def test_a_deleted_stream_head_is_reported(streams):
    AuditHead.objects.filter(pk=streams[0].stream).delete()
    assert "the newest were deleted, or the head" in audit_verify().problem


# --- published heads -------------------------------------------------------------------------


def _rewrite_stream(stream: int) -> None:
    """Change the data of every event of ``stream``, recompute its hashes and its head."""
    prev = GENESIS
    for event in AuditEvent.objects.filter(stream=stream).order_by("stream_seq"):
        event.data, event.prev_hash = {"forged": True}, prev
        event.hash = prev = _event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(data=event.data, prev_hash=event.prev_hash,
                                                      hash=event.hash)
    AuditHead.objects.filter(pk=stream).update(last_hash=prev)


def test_the_published_head_holds_every_stream_and_their_root_hash(streams, client):
    head, created = audit_head_publish()
    assert created and head.seq == AuditEvent.objects.count() == 9
    assert head.streams[str(streams[0].stream)] == [5, streams[-1].hash]
    assert len(head.streams) == 3 and head.hash == root_hash(head.streams)
    assert audit_verify().ok and audit_verify().heads == 1
    page = client.get("/audit/").content.decode()
    assert head.hash in page and streams[-1].hash in page and "3 条链" in page
    assert "审计日志目前共有 9 条记录。" in page
    assert client.get("/audit/heads.json").json()["heads"][0]["streams"] == head.streams


def test_a_rewritten_stream_is_reported_through_its_published_head(streams):
    head, _ = audit_head_publish()
    _rewrite_stream(streams[0].stream)
    report = audit_verify()
    assert not report.ok and "history rewritten" in report.problem
    assert f"stream {streams[0].stream} at 5" in report.problem
    kept = [{"seq": head.seq, "hash": head.hash, "date": str(head.date),
             "streams": head.streams}]
    PublishedHead.objects.all().delete()  # the forger rewrote the database's copy too …
    assert audit_verify().ok
    assert "history rewritten" in audit_verify(heads=kept).problem  # … but not a kept copy


def test_a_published_head_edited_to_match_a_rewrite_is_reported(streams):
    head, _ = audit_head_publish()
    _rewrite_stream(streams[0].stream)
    forged = {**head.streams, str(streams[0].stream): [
        5, AuditHead.objects.get(pk=streams[0].stream).last_hash]}
    PublishedHead.objects.filter(pk=head.pk).update(streams=forged)
    assert "does not match its stream heads" in audit_verify().problem
    PublishedHead.objects.filter(pk=head.pk).update(hash=root_hash(forged))
    assert audit_verify().ok  # the database alone is fooled; a kept copy is not:
    kept = [{"seq": head.seq, "hash": head.hash, "date": str(head.date),
             "streams": head.streams}]
    assert "history rewritten" in audit_verify(heads=kept).problem


def test_a_head_published_before_streams_names_stream_one(db, django_capture_on_commit_callbacks):
    one = _write(3, _key_in(lambda s: s == 1), django_capture_on_commit_callbacks)
    PublishedHead.objects.create(date="2026-01-01", seq=2, hash=one[1].hash,
                                 published_at="2026-01-01T00:00:00+00:00")
    assert audit_verify().ok
    PublishedHead.objects.update(hash="0" * 64)
    assert "history rewritten" in audit_verify().problem


# --- two writers on two streams (PostgreSQL) ------------------------------------------------


def _audit_in_thread(key: str, *, hold: threading.Event | None = None, holding=None,
                     lock_timeout: str = "5s") -> dict:
    """Audit one event on the stream of ``key`` in a thread of its own; with ``hold``, keep the
    transaction open (``holding`` set once the event is written) until ``hold`` is set."""
    result: dict = {}

    def run():
        started = time.monotonic()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
                result["event"] = audit_record(actor=None, action="test.thing",
                                               object_type="test", object_id=key, stream=key)
                if hold is not None:
                    holding.set()
                    hold.wait(30)
        except OperationalError as exc:
            result["error"] = exc
        finally:
            result["seconds"] = time.monotonic() - started
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    result["thread"] = thread
    return result


@pytest.mark.postgres
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_on_another_stream_does_not_wait_for_an_open_transaction():
    held = _key_in(lambda s: s != 1)
    other = _key_in(lambda s: True, not_in={stream_of(held)})
    release, holding = threading.Event(), threading.Event()
    holder = _audit_in_thread(held, hold=release, holding=holding)
    try:
        assert holding.wait(30)
        free = _audit_in_thread(other, lock_timeout="2s")
        free["thread"].join(30)
        blocked = _audit_in_thread(f"{held}", lock_timeout="300ms")  # same stream: waits
        blocked["thread"].join(30)
    finally:
        release.set()
        holder["thread"].join(30)
    assert "error" not in free and free["seconds"] < 2
    assert free["event"].stream == stream_of(other)
    assert "lock timeout" in str(blocked["error"])
    assert "error" not in holder
    assert audit_verify().ok


def test_an_append_writes_its_events_and_moves_the_head_in_two_statements(db):
    """The head's lock (with the seqs), then its update and the events' insert together on
    PostgreSQL (one round trip); the events come back with their ids, and the chain verifies."""
    from django.test.utils import CaptureQueriesContext

    from core.audit import audit_record_many

    key = _key_in(lambda s: True)
    entries = [{"actor": None, "action": "project.published", "object_type": "t",
                "object_id": str(i), "data": {"i": i, "text": "中文 %s"}} for i in range(3)]
    AuditHead.objects.get_or_create(pk=stream_of(key))   # a flushed database has none yet
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        events = audit_record_many(entries, stream=key)
    stored = {e.pk: e for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert [stored[e.pk].hash for e in events] == [e.hash for e in events]
    assert [stored[e.pk].data for e in events] == [{"i": i, "text": "中文 %s"} for i in range(3)]
    head = AuditHead.objects.get(pk=stream_of(key))
    assert (head.count, head.last_hash, head.last_seq) == (
        events[-1].stream_seq, events[-1].hash, events[-1].seq)
    if connection.vendor == "postgresql":
        assert len(ctx) == 2
    assert audit_verify().ok
