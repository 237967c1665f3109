"""The set-wise full recompute and the lean event path: same outcome as one agency at a time,
every sanction and standing change audited, a query count that does not grow with the data."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency
from core.audit import audit_record, audit_record_many, audit_verify
from core.models import AuditEvent, AuditHead
from credit.models import CreditEvent, Sanction
from credit.services import recompute
from tests.factories.agencies import agency as make_agency
from tests.factories.credit import Kind, Source, event

pytestmark = pytest.mark.django_db

Standing = Agency.Standing

# Events whose exit triggers depend on the score only (the recompute runs those, not the
# event-kind triggers such as a refusal to sign).
LEDGERS = {
    "warned": [(Kind.OBJECTION_UPHELD, None)] * 3,  # 65 → D: warning
    "one_star": [(Kind.REGULATOR_FINDING, Decimal(-21))],  # 59 → 1 star, E: suspension, warning
    "fine": [(Kind.RATING, None)],  # 82: nothing
}


def _raw_events(agency, ledger, when):
    """Append events straight to the ledger, as an import or the bench does: the stored score
    is stale and no trigger has run (a cold start for the recompute)."""
    for kind, points in ledger:
        CreditEvent.objects.create(
            agency=agency, kind=kind, source=Source.PURCHASER,
            points=points if points is not None else (0 if kind == Kind.RATING else {
                Kind.OBJECTION_UPHELD: -5}[kind]),
            stars=Decimal(5) if kind == Kind.RATING else None, occurred_at=when,
            rule_version="2026.1", reason="导入")


def _open(agency):
    return sorted(Sanction.objects.filter(agency=agency, status__in=["active", "proposed"])
                  .values_list("kind", "trigger", "status"))


def test_cold_recompute_triggers_the_same_sanctions_as_recording_events_one_by_one():
    when = timezone.now() - dt.timedelta(hours=1)
    twins = {}
    for name, ledger in LEDGERS.items():
        incremental = make_agency()
        for kind, points in ledger:
            event(incremental, kind, points=points, occurred_at=when)
        cold = make_agency()
        _raw_events(cold, ledger, when)
        twins[name] = (incremental, cold)
    seq = AuditEvent.objects.aggregate(newest=Max("seq"))["newest"] or 0

    total, changed = recompute.credit_recompute(as_of=timezone.localdate(), chunk_size=100)

    assert (total, changed) == (6, 3)  # the cold three
    for name, (incremental, cold) in twins.items():
        incremental.refresh_from_db()
        cold.refresh_from_db()
        assert (cold.credit_score, cold.credit_stars, cold.credit_grade, cold.standing) == (
            incremental.credit_score, incremental.credit_stars, incremental.credit_grade,
            incremental.standing), name
        assert _open(cold) == _open(incremental), name
    assert twins["one_star"][1].standing == Standing.SUSPENDED
    assert twins["warned"][1].standing == Standing.WARNED
    # every sanction created and every standing change is in the audit trail, in order
    audited = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq")
                   .values_list("action", "object_type", "object_id"))
    created = Sanction.objects.filter(agency__in=[c for _i, c in twins.values()])
    for sanction in created:
        assert ("sanction.active", "credit.sanction", str(sanction.pk)) in audited
    for name in ("warned", "one_star"):
        assert ("agency.standing_changed", "agencies.agency",
                str(twins[name][1].pk)) in audited
    assert audited[-1][0] == "credit.recomputed"
    assert audit_verify().ok


def test_recompute_queries_do_not_grow_with_the_number_of_agencies_to_sanction():
    when = timezone.now() - dt.timedelta(hours=1)

    def cold_agencies(n):
        for _ in range(n):
            _raw_events(make_agency(), LEDGERS["one_star"], when)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            recompute.credit_recompute(as_of=timezone.localdate(), chunk_size=1000)
        return len(captured.captured_queries)

    cold_agencies(2)
    few = queries()
    cold_agencies(12)
    many = queries()
    assert Sanction.objects.count() == 2 * 14  # a suspension and a warning each
    assert many == few


def test_recording_an_event_in_good_standing_takes_ten_queries(django_assert_num_queries):
    """Savepoint, lock the agency, insert the event, read its ledger, store the score, store
    ``score_after``, lock the audit head, insert the audit event, move the head (with the insert,
    in one statement on PostgreSQL), release. No
    sanctions query: in good standing and still above the warning grade nothing can trigger.
    The measured event leaves the grade at C (the first late delivery moved it from B): a
    grade that moves also writes the agency's notice (credit/services/notices.py)."""
    agency = make_agency()
    event(agency, Kind.RATING, stars=4)
    event(agency, Kind.DELIVERY_LATE)
    with django_assert_num_queries(9 if connection.vendor == "postgresql" else 10):
        event(agency, Kind.DELIVERY_LATE)


def test_recording_an_event_that_can_trigger_still_reads_the_sanctions():
    agency = make_agency()
    with CaptureQueriesContext(connection) as captured:
        event(agency, Kind.CONTRACT_REFUSED)
    assert any("credit_sanction" in q["sql"] and q["sql"].startswith("SELECT")
               for q in captured.captured_queries)
    agency.refresh_from_db()
    assert agency.standing == Standing.SUSPENDED


def test_audit_record_many_chains_exactly_like_audit_record():
    agency = make_agency()
    before = audit_record(actor=None, action="test.before", object_type="test", object_id="0")
    stream = before.stream  # the transaction's stream: every later event goes there too
    head = AuditHead.objects.get(pk=stream).count
    events = audit_record_many([
        {"actor": None, "action": "test.one", "obj": agency, "data": {"n": Decimal("1.50")}},
        {"actor": None, "action": "test.two", "object_type": "test", "object_id": 7,
         "data": {"when": dt.date(2026, 11, 23)}},
        {"actor": None, "action": "test.three"},
    ])
    after = audit_record(actor=None, action="test.after", object_type="test", object_id="9")
    assert [(e.stream, e.stream_seq) for e in events] == [(stream, head + n) for n in (1, 2, 3)]
    assert before.seq < events[0].seq < events[1].seq < events[2].seq < after.seq
    assert events[0].object_type == "agencies.agency" and events[0].object_id == str(agency.pk)
    assert events[1].object_id == "7" and events[1].data == {"when": "2026-11-23"}
    stored = AuditEvent.objects.get(seq=events[1].seq)
    assert (stored.prev_hash, stored.hash) == (events[0].hash, events[1].hash)
    assert AuditEvent.objects.get(seq=after.seq).prev_hash == events[2].hash
    assert audit_verify().ok
    assert audit_record_many([]) == []
    assert AuditHead.objects.get(pk=stream).count == head + 4


def test_audit_record_many_refuses_an_unknown_argument():
    with pytest.raises(TypeError):
        audit_record_many([{"actor": None, "action": "test.x", "object": "typo"}])
