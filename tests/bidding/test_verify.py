"""Verification of award codes by approval departments."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Agency
from bidding.models import Award, Project
from bidding.selectors.awards import approval_projects, award_verify
from bidding.services import contracts
from core.audit import audit_verify
from core.models import AuditEvent
from tests.factories import bidding as bf
from tests.factories.agencies import agency as make_agency
from tests.factories.awards import approval_org, made_award

pytestmark = pytest.mark.django_db


def test_authentic_award_is_reported_with_project_agency_price_and_standing():
    award = made_award(price="78000")
    result = award_verify(award.code)
    assert result.verdict == "authentic" and result.authentic
    body = result.as_dict()
    assert body["project"]["investment_code"] == award.project.investment_code
    assert body["agency"]["uscc"] == award.agency.uscc and body["price"] == "78000.00"
    assert body["agency"]["good_standing"] is True and body["status"] == "notice"


def test_code_is_accepted_in_lower_case_and_without_dashes():
    award = made_award()
    assert award_verify(award.code.replace("-", "").lower()).verdict == "authentic"


def test_forged_code_is_not_found():
    made_award()
    result = award_verify("ABCD-EFGH-2345")
    assert not result.found and result.verdict == "not_found" and not result.authentic


def test_suspended_agency_is_reported_as_not_in_good_standing():
    award = made_award()
    Agency.objects.filter(pk=award.agency_id).update(standing=Agency.Standing.SUSPENDED)
    body = award_verify(award.code).as_dict()
    assert body["agency"]["good_standing"] is False and body["agency"]["standing"] == "suspended"


def test_withdrawn_and_superseded_awards_are_reported_as_such():
    award = made_award()
    Award.objects.filter(pk=award.pk).update(status=Award.Status.WITHDRAWN)
    assert award_verify(award.code).verdict == "withdrawn"
    Award.objects.filter(pk=award.pk).update(status=Award.Status.SUPERSEDED)
    assert award_verify(award.code).verdict == "superseded"


def test_price_altered_in_the_database_is_reported_as_altered():
    award = made_award(price="78000")
    Award.objects.filter(pk=award.pk).update(price=Decimal("98000"))
    result = award_verify(award.code)
    assert result.verdict == "altered" and not result.authentic


def test_agency_swapped_in_the_database_is_reported_as_altered():
    award = made_award()
    other = make_agency()
    Award.objects.filter(pk=award.pk).update(agency=other)
    assert award_verify(award.code).verdict == "altered"


def test_audit_event_altered_breaks_verification_and_the_chain():
    award = made_award()
    event = AuditEvent.objects.get(action="award.made", object_id=str(award.pk))
    AuditEvent.objects.filter(pk=event.pk).update(data={**event.data, "price": "1.00"})
    assert award_verify(award.code).verdict == "altered"
    assert not audit_verify().ok


def test_approval_dashboard_shows_each_stage_for_the_department_only():
    dept = approval_org("某区行政审批局")
    other = approval_org("另一审批局")
    selecting, _s = bf.selecting(method=Project.Method.RANDOM_DRAW, approval_department=dept,
                                 investment_code="2026-A-001")
    _notice = made_award(approval_department=dept, investment_code="2026-A-002")
    contract = made_award(approval_department=dept, investment_code="2026-A-003")
    Award.objects.filter(pk=contract.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    service = made_award(approval_department=dept, investment_code="2026-A-004")
    Award.objects.filter(pk=service.pk).update(status=Award.Status.IN_SERVICE)
    delivered = made_award(approval_department=dept, investment_code="2026-A-005")
    Award.objects.filter(pk=delivered.pk).update(status=Award.Status.DELIVERED)
    made_award(approval_department=other, investment_code="2026-B-001")
    rows = {r.project.investment_code: r.key for r in approval_projects(department=dept)}
    assert rows == {"2026-A-001": "selection", "2026-A-002": "notice", "2026-A-003": "contract",
                    "2026-A-004": "service", "2026-A-005": "delivered"}
    found = approval_projects(department=dept, query="A-004")
    assert [r.project.investment_code for r in found] == ["2026-A-004"]


def test_dashboard_follows_the_runner_up_after_a_refusal():
    dept = approval_org()
    award = made_award(method=Project.Method.RANDOM_DRAW, approval_department=dept,
                       computation={"ranking": []})
    # a live-bidding-free ranking: offer to the second sign-up
    signup2 = award.project.signups.exclude(pk=award.signup_id).first()
    Award.objects.filter(pk=award.pk).update(
        computation={"ranking": [{"signup": award.signup_id, "price": "78000.00"},
                                 {"signup": signup2.pk, "price": "79000.00"}]},
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    award.refresh_from_db()
    new = contracts.contract_refuse(actor=award.agency.organisation.members.first().user,
                              award=award, reason="不签")
    (row,) = approval_projects(department=dept)
    assert row.award.pk == new.pk and row.key == "notice"
