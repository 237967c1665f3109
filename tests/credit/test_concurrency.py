"""Concurrency of the ledger and of sanction expiry on PostgreSQL (row locks)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from credit.models import CreditEvent, Sanction
from credit.selectors.ledger import agency_score
from credit.services.ledger import credit_event_record
from credit.services.sanctions import sanctions_expire
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories.agencies import agency as make_agency
from tests.factories.credit import suspended_agency

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_ratings_and_violations_lose_no_event_and_score_equals_recompute():
    agency = make_agency()
    n = 12

    def record(i):
        for j in range(3):
            if (i + j) % 3 == 0:
                credit_event_record(agency=agency.pk, kind="delivery_late", source="purchaser",
                                    reason=f"t{i}-{j}")
            else:
                credit_event_record(agency=agency.pk, kind="rating", source="purchaser",
                                    stars=Decimal(1 + (i + j) % 5), reason=f"t{i}-{j}")

    at_once(n, record)
    assert CreditEvent.objects.filter(agency=agency).count() == n * 3
    agency.refresh_from_db()
    assert agency.credit_score == agency_score(agency.pk).score
    # the last-written event's snapshot equals the stored score (no stale write won)
    last = CreditEvent.objects.filter(agency=agency).order_by("-id").first()
    assert last.score_after == agency.credit_score


def test_sanctions_expire_run_twice_at_once_makes_one_transition_each():
    agencies = [suspended_agency() for _ in range(4)]
    Sanction.objects.update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    done = at_once(4, lambda i: sanctions_expire())
    assert sum(done) == 4
    assert Sanction.objects.filter(status="expired").count() == 4
    from core.models import AuditEvent
    assert AuditEvent.objects.filter(action="sanction.expired").count() == 4
    for agency in agencies:
        agency.refresh_from_db()
        assert agency.standing == "good"
