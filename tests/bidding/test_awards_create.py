from decimal import Decimal

import pytest

from bidding.models import Award, Project
from bidding.services.awards import award_record_hash, code_from_hash
from core.audit import audit_verify, event_for
from tests.factories.awards import made_award

pytestmark = pytest.mark.django_db


def test_award_create_makes_notice_with_code_derived_from_record_hash_and_audit_event():
    award = made_award(price="78000.5")
    award.refresh_from_db()
    assert award.status == Award.Status.NOTICE
    assert award.price == Decimal("78000.50")
    assert award.objection_until > award.decided_at
    assert award.project.status == Project.Status.AWARDED
    event = event_for(award, "award.made")
    assert event is not None and event.data["price"] == "78000.50"
    assert award.record_hash == award_record_hash(award, event.hash)
    assert award.code == code_from_hash(award.record_hash)
    assert len(award.code) == 14 and award.code.count("-") == 2
    assert audit_verify().ok


def test_award_create_broadcasts_award_made_after_commit(django_capture_on_commit_callbacks,
                                                         monkeypatch):
    sent = []
    monkeypatch.setattr("core.broadcast.send_now", lambda g, e: sent.append((g, e)))
    with django_capture_on_commit_callbacks(execute=True):
        award = made_award()
    assert (f"project_{award.project_id}", ) == (sent[0][0], )
    assert sent[0][1]["type"] == "award.made" and sent[0][1]["code"] == award.code
