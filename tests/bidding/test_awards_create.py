from decimal import Decimal

import pytest

from bidding.models import Award, Project
from bidding.verification import award_record_hash, code_from_hash
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


def test_award_create_broadcasts_nothing_because_no_connection_follows_awards(
        django_capture_on_commit_callbacks, monkeypatch):
    # The consumer joins only ``auction_<id>``: the former ``project_<id>`` and ``awards``
    # broadcasts reached nobody and were removed.
    sent = []
    monkeypatch.setattr("core.broadcast.send_now", lambda g, e: sent.append((g, e)))
    with django_capture_on_commit_callbacks(execute=True):
        made_award()
    assert sent == []
