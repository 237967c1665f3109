import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.audit import audit_record, audit_verify
from core.models import AuditEvent, AuditHead
from tests.factories.core import purchaser_user

pytestmark = pytest.mark.django_db


def _write(n: int):
    user = purchaser_user()
    for i in range(n):
        audit_record(actor=user, action="test.thing", object_type="test", object_id=str(i),
                     data={"i": i, "price": "12.50", "名称": "环评"})


def test_an_untouched_chain_verifies_intact():
    _write(5)
    report = audit_verify()
    assert report.ok and report.checked == AuditEvent.objects.count()
    call_command("audit_verify")


def test_an_altered_row_is_reported_with_its_sequence_number():
    _write(5)
    target = AuditEvent.objects.order_by("seq")[2]
    AuditEvent.objects.filter(pk=target.pk).update(data={"i": 999})
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_seq == target.seq
    assert "altered" in report.problem
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("audit_verify")


def test_a_deleted_row_in_the_middle_is_reported():
    _write(5)
    victim, after = AuditEvent.objects.order_by("seq")[1:3]
    AuditEvent.objects.filter(pk=victim.pk)._raw_delete(AuditEvent.objects.db)
    report = audit_verify()
    # the global seq may have gaps: the gap is seen in the stream, at the event after it
    assert not report.ok and report.first_bad_seq == after.seq
    assert "deleted" in report.problem and f"event {victim.stream_seq} of stream" in report.problem


def test_deleting_the_newest_rows_is_reported_against_the_chain_head():
    _write(5)
    newest = AuditEvent.objects.order_by("-seq").first()
    AuditEvent.objects.filter(pk=newest.pk)._raw_delete(AuditEvent.objects.db)
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == newest.seq
    assert "the newest were deleted" in report.problem


def test_an_inserted_row_breaks_the_link():
    _write(3)
    first, second = AuditEvent.objects.order_by("seq")[:2]
    # Re-number the tail and slip a forged row in as the second with a self-consistent hash.
    AuditEvent.objects.filter(seq__gte=second.seq).update(
        seq=models_f("seq") + 1000, stream_seq=models_f("stream_seq") + 1000)
    forged = AuditEvent(seq=second.seq, stream=first.stream, stream_seq=second.stream_seq,
                        at=second.at, action="test.forged", object_type="test", object_id="x",
                        data={}, prev_hash=first.hash, hash="f" * 64)
    forged.save()
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == second.seq


def test_audit_rows_refuse_update_and_delete_through_the_orm():
    _write(1)
    event = AuditEvent.objects.get()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert AuditHead.objects.get(pk=event.stream).count == 1


def models_f(name):
    from django.db.models import F

    return F(name)


def test_an_unregistered_audit_action_is_refused_before_anything_is_written(db):
    from core.audit import audit_record
    from core.models import AuditEvent

    with pytest.raises(LookupError, match="not registered"):
        audit_record(actor=None, action="project.publsihed", object_type="test", object_id="1")
    assert not AuditEvent.objects.exists()


def test_every_action_the_code_records_has_a_label():
    from core.audit import action_label, registered_actions

    actions = registered_actions()
    assert {"bid.placed", "award.made", "rating.submitted", "sanction.active"} <= set(actions)
    assert all(action_label(code) != code for code in actions if not code.startswith("test."))
