"""Two-sided accountability (docs/design.md R9): a missed signing deadline is charged to the side
the contract was waiting for, and a purchaser that declines an award without a cause the rules
accept gets an event on its own credit."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from bidding.models import Award, Project
from bidding.services import contracts, draws
from core.audit import audit_verify
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from credit.models import CreditEvent, PurchaserCredit, PurchaserCreditEvent
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db
Kind = PurchaserCreditEvent.Kind


def user_of(agency):
    return agency.organisation.members.first().user


def pdf():
    return SimpleUploadedFile("contract.pdf", b"%PDF-1.4 test", content_type="application/pdf")


def contracting(bidders=3):
    """A drawn award past its objection period, in CONTRACTING."""
    project, _s = bf.selecting(method=Project.Method.RANDOM_DRAW, bidders=bidders)
    award = draws.draw_run(actor=project.created_by, project=project)
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    award.refresh_from_db()
    return award


def past_deadline(award):
    Award.objects.filter(pk=award.pk).update(
        contract_deadline=timezone.now() - dt.timedelta(hours=1))


def audited_rows_match(prefix="credit.purchaser"):
    """The chain is intact and our rows match their audited state (the tests move deadlines
    by hand, which audit_verify rightly reports on the award)."""
    report = audit_verify()
    return report.first_bad_seq is None and not [
        d for d in report.differences if d.model.startswith(prefix)]


def test_deadline_missed_while_the_contract_awaits_the_purchaser_is_the_purchasers_fault():
    award = contracting()
    contracts.contract_upload(actor=user_of(award.agency), award=award, file=pdf())
    past_deadline(award)
    assert contracts.contract_deadlines_enforce()["purchaser_late"] == 1
    contracts.contract_deadlines_enforce()  # run again: still one event
    award.refresh_from_db()
    assert award.status == Award.Status.CONTRACTING  # the winner keeps its award
    event = PurchaserCreditEvent.objects.get()
    assert (event.kind, event.source, event.award_id) == (Kind.CONTRACT_MISSED, "operator",
                                                          award.pk)
    assert event.purchaser_id == award.project.purchaser_id
    assert award.code in event.reason
    assert event.points == Decimal("-8")
    credit = PurchaserCredit.objects.get(purchaser=award.project.purchaser)
    assert (credit.score, credit.stars, credit.grade) == (Decimal("72.00"), 3, "C")
    assert event.score_after == Decimal("72.00")
    assert not CreditEvent.objects.filter(agency=award.agency).exists()
    assert AuditEvent.objects.filter(action="purchaser_credit.event_recorded",
                                     object_id=str(event.pk)).count() == 1
    assert audited_rows_match()


def test_deadline_missed_while_the_contract_awaits_the_agencys_confirmation_is_the_agencys():
    award = contracting()
    contracts.contract_upload(actor=award.project.created_by, award=award, file=pdf())
    past_deadline(award)
    counts = contracts.contract_deadlines_enforce()
    assert (counts["superseded"], counts["purchaser_late"]) == (1, 0)
    award.refresh_from_db()
    assert award.status == Award.Status.SUPERSEDED
    assert CreditEvent.objects.filter(agency=award.agency,
                                      kind=CreditEvent.Kind.CONTRACT_MISSED).count() == 1
    assert not PurchaserCreditEvent.objects.exists()
    assert not PurchaserCredit.objects.exists()


def test_deadline_missed_with_nothing_uploaded_stays_the_winners_fault():
    award = contracting()
    past_deadline(award)
    contracts.contract_deadlines_enforce()
    award.refresh_from_db()
    assert award.status == Award.Status.SUPERSEDED
    assert CreditEvent.objects.filter(agency=award.agency).count() == 1
    assert not PurchaserCreditEvent.objects.exists()


def test_a_confirmed_contract_past_the_deadline_charges_nobody():
    award = contracting()
    contracts.contract_upload(actor=user_of(award.agency), award=award, file=pdf())
    contracts.contract_confirm(actor=award.project.created_by, award=award)
    past_deadline(award)
    assert contracts.party_at_fault(Award.objects.get(pk=award.pk)) is None
    contracts.contract_deadlines_enforce()
    assert not PurchaserCreditEvent.objects.exists()
    assert not CreditEvent.objects.exists()


def test_declining_without_an_accepted_cause_is_a_purchaser_event_and_the_project_fails():
    award = contracting()
    assert contracts.award_decline(actor=award.project.created_by, award=award,
                                   reason="预算调整，项目暂停") is None
    award.refresh_from_db()
    assert award.status == Award.Status.WITHDRAWN
    assert "without a cause the rules accept" in award.status_reason
    assert award.project.status == Project.Status.FAILED
    assert Award.objects.filter(project=award.project).count() == 1  # no runner-up (R4)
    event = PurchaserCreditEvent.objects.get()
    assert (event.kind, event.points) == (Kind.AWARD_DECLINED, Decimal("-10"))
    assert "预算调整" in event.reason
    assert PurchaserCredit.objects.get(purchaser=award.project.purchaser).score == Decimal("70.00")
    assert not CreditEvent.objects.filter(agency=award.agency).exists()
    assert audit_verify().ok


def test_declining_a_suspended_winner_is_an_accepted_cause_and_the_runner_up_is_offered():
    award = contracting()
    Agency.objects.filter(pk=award.agency_id).update(standing=Agency.Standing.SUSPENDED)
    award.agency.refresh_from_db()
    nxt = contracts.award_decline(actor=award.project.created_by, award=award,
                                  reason="中选机构已被暂停")
    assert nxt is not None and nxt.rank == 2
    award.refresh_from_db()
    assert award.status == Award.Status.WITHDRAWN
    assert not PurchaserCreditEvent.objects.exists()


def test_only_the_purchaser_declines_with_a_reason_before_the_contract_is_confirmed():
    award = contracting()
    with pytest.raises(NotAllowed):
        contracts.award_decline(actor=user_of(award.agency), award=award, reason="x")
    with pytest.raises(NotAllowed):
        contracts.award_decline(actor=bf.purchaser(), award=award, reason="x")
    with pytest.raises(ValidationFailed) as exc:
        contracts.award_decline(actor=award.project.created_by, award=award, reason="  ")
    assert "reason" in exc.value.fields
    contracts.contract_upload(actor=user_of(award.agency), award=award, file=pdf())
    contracts.contract_confirm(actor=award.project.created_by, award=award)
    with pytest.raises(Conflict):
        contracts.award_decline(actor=award.project.created_by, award=award, reason="不要了")
    assert not PurchaserCreditEvent.objects.exists()
    assert Award.objects.get(pk=award.pk).status == Award.Status.IN_SERVICE


def test_decline_over_the_api_and_refused_for_the_agency():
    award = contracting()
    api = APIClient()
    api.force_authenticate(user_of(award.agency))
    assert api.post(f"/api/v1/awards/{award.pk}/decline/", {"reason": "x"},
                    format="json").status_code == 403
    api.force_authenticate(award.project.created_by)
    assert api.post(f"/api/v1/awards/{award.pk}/decline/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/awards/{award.pk}/decline/", {"reason": "不再需要"},
                        format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert PurchaserCreditEvent.objects.get().kind == Kind.AWARD_DECLINED


def test_the_decline_form_is_on_the_award_page_for_its_purchaser_only(client):
    award = contracting()
    client.force_login(user_of(award.agency))
    assert "decline-reason" not in client.get(f"/awards/{award.pk}/").content.decode()
    client.force_login(award.project.created_by)
    page = client.get(f"/awards/{award.pk}/").content.decode()
    assert "decline-reason" in page
    assert f"/purchasers/{award.project.purchaser_id}/" in page
    zh = client.get(f"/awards/{award.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "放弃中选结果" in zh and "Decline the award" not in zh
    client.post(f"/awards/{award.pk}/decline/", {"reason": "不再需要"})
    assert PurchaserCreditEvent.objects.filter(kind=Kind.AWARD_DECLINED).count() == 1


def test_the_scoring_model_page_publishes_the_purchasers_model(client):
    page = client.get("/credit/model/").content.decode()
    assert 'id="purchasers"' in page
    assert "-10" in page.split('id="purchasers"')[1]
