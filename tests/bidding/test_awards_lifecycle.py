"""After the award: objections, contract, refusal → runner-up, delivery."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from bidding import signals
from bidding.models import Award, Contract, Delivery, Objection, Project, SignUp
from bidding.services import contracts, deliveries, draws, objections
from bidding.services.auctions import auction_close, bid_place
from core.audit import audit_verify
from core.errors import Conflict, NotAllowed, ValidationFailed
from tests.factories import bidding as bf
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db
Method = Project.Method


def user_of(agency):
    return agency.organisation.members.first().user


def pdf(name="contract.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def drawn(bidders=3):
    project, signups = bf.selecting(method=Method.RANDOM_DRAW, bidders=bidders)
    award = draws.draw_run(actor=project.created_by, project=project)
    return award, signups


def after_objection_period(award):
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    award.refresh_from_db()
    return award


@pytest.fixture
def received():
    got = []

    def make(sig):
        def handler(sender, **kwargs):
            got.append((sig, kwargs))
        sig.connect(handler, weak=False, dispatch_uid=f"test-{id(sig)}")
        return handler

    handlers = {s: make(s) for s in (signals.award_refused, signals.delivery_decided,
                                     signals.objection_decided)}
    yield got
    for s in handlers:
        s.disconnect(dispatch_uid=f"test-{id(s)}")


# --- objections --------------------------------------------------------------------------------


def test_objection_filed_answered_and_upheld_withdraws_and_reoffers_to_the_next(received):
    award, signups = drawn()
    loser = next(s for s in signups if s.pk != award.signup_id)
    objection = objections.objection_file(actor=user_of(loser.agency), award=award,
                                   text="中选单位的资质证书已过期。")
    objections.objection_answer(actor=award.project.created_by, objection=objection,
                         answer="已核实，资质在有效期内。")
    with pytest.raises(NotAllowed):
        objections.objection_decide(actor=award.project.created_by, objection=objection, upheld=True,
                             decision="x")
    objections.objection_decide(actor=regulator_user(), objection=objection, upheld=True,
                         decision="经核查，资质证书于公示前已过期，异议成立。")
    award.refresh_from_db()
    assert award.status == Award.Status.WITHDRAWN
    assert "异议成立" in award.status_reason
    second = Award.objects.get(project=award.project, rank=2)
    assert second.signup_id == award.computation["ranking"][1]["signup"]
    assert second.status == Award.Status.NOTICE
    assert [k["upheld"] for s, k in received if s is signals.objection_decided] == [True]
    assert audit_verify().ok


def test_objection_rejected_keeps_the_award():
    award, signups = drawn()
    loser = next(s for s in signups if s.pk != award.signup_id)
    objection = objections.objection_file(actor=user_of(loser.agency), award=award, text="报价异常。")
    objections.objection_decide(actor=regulator_user(), objection=objection, upheld=False,
                         decision="经核查，异议不成立。")
    award.refresh_from_db()
    objection.refresh_from_db()
    assert award.status == Award.Status.NOTICE and objection.status == Objection.Status.REJECTED


def test_objection_only_by_a_signed_up_non_winner_within_the_period():
    award, signups = drawn()
    winner = next(s for s in signups if s.pk == award.signup_id)
    with pytest.raises(NotAllowed):
        objections.objection_file(actor=user_of(winner.agency), award=award, text="x")
    outsider = bf.bidding_agency(award.project)
    with pytest.raises(NotAllowed):
        objections.objection_file(actor=user_of(outsider), award=award, text="x")
    loser = next(s for s in signups if s.pk != award.signup_id)
    with pytest.raises(ValidationFailed):
        objections.objection_file(actor=user_of(loser.agency), award=award, text="  ")
    after_objection_period(award)
    with pytest.raises(Conflict):
        objections.objection_file(actor=user_of(loser.agency), award=award, text="太晚了")


def test_upheld_objection_with_nobody_left_fails_the_project():
    award, signups = drawn(bidders=2)
    loser = next(s for s in signups if s.pk != award.signup_id)
    loser_user = user_of(loser.agency)
    obj = objections.objection_file(actor=loser_user, award=award, text="异议")
    SignUp.objects.filter(pk=loser.pk).update(status=SignUp.Status.CANCELLED)
    objections.objection_decide(actor=regulator_user(), objection=obj, upheld=True, decision="成立")
    award.project.refresh_from_db()
    assert award.project.status == Project.Status.FAILED


# --- contract ----------------------------------------------------------------------------------


def test_contract_cannot_be_signed_during_the_objection_period():
    award, _s = drawn()
    with pytest.raises(Conflict):
        contracts.contract_upload(actor=award.project.created_by, award=award, file=pdf())


def test_contract_uploaded_by_purchaser_confirmed_by_winner_starts_the_service():
    award, _s = drawn()
    after_objection_period(award)
    contracts.contract_upload(actor=award.project.created_by, award=award, file=pdf())
    award.refresh_from_db()
    assert award.status == Award.Status.CONTRACTING and award.contract_deadline
    with pytest.raises(NotAllowed):
        contracts.contract_confirm(actor=award.project.created_by, award=award)
    contracts.contract_confirm(actor=user_of(award.agency), award=award)
    award.refresh_from_db()
    assert award.status == Award.Status.IN_SERVICE
    assert Contract.objects.get(award=award).confirmed_at is not None


def test_contract_upload_rejects_unknown_file_types_and_strangers():
    award, _s = drawn()
    after_objection_period(award)
    with pytest.raises(ValidationFailed):
        contracts.contract_upload(actor=award.project.created_by, award=award,
                            file=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(NotAllowed):
        contracts.contract_upload(actor=bf.purchaser(), award=award, file=pdf())


def test_winner_refusal_sends_the_violation_signal_and_offers_the_runner_up(received):
    award, _s = drawn()
    after_objection_period(award)
    new = contracts.contract_refuse(actor=user_of(award.agency), award=award, reason="人手不足")
    award.refresh_from_db()
    assert award.status == Award.Status.SUPERSEDED
    refused = [k for s, k in received if s is signals.award_refused]
    assert len(refused) == 1 and refused[0]["missed"] is False
    assert refused[0]["award"].pk == award.pk
    assert new.rank == 2 and new.signup_id == award.computation["ranking"][1]["signup"]
    assert new.code != award.code


def test_contract_deadline_passing_supersedes_and_reoffers_once_even_if_run_twice(received):
    award, _s = drawn()
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(days=20),
        contract_deadline=timezone.now() - dt.timedelta(days=1))
    out = io.StringIO()
    call_command("contract_deadlines", stdout=out)
    call_command("contract_deadlines", stdout=out)
    award.refresh_from_db()
    assert award.status == Award.Status.SUPERSEDED
    assert [k["missed"] for s, k in received if s is signals.award_refused] == [True]
    assert Award.objects.filter(project=award.project, rank=2).count() == 1


def test_deadline_is_not_the_winners_fault_when_it_uploaded_and_the_purchaser_did_not_confirm(
        received):
    award, _s = drawn()
    after_objection_period(award)
    contracts.contract_upload(actor=user_of(award.agency), award=award, file=pdf())
    Award.objects.filter(pk=award.pk).update(contract_deadline=timezone.now() - dt.timedelta(1))
    contracts.contract_deadlines_enforce()
    award.refresh_from_db()
    assert award.status == Award.Status.CONTRACTING
    assert not [1 for s, _k in received if s is signals.award_refused]


def test_runner_up_missing_fails_the_project():
    award, _s = drawn(bidders=1)
    after_objection_period(award)
    assert contracts.contract_refuse(actor=user_of(award.agency), award=award, reason="不签") is None
    award.project.refresh_from_db()
    assert award.project.status == Project.Status.FAILED


# --- delivery ----------------------------------------------------------------------------------


def in_service():
    award, _s = drawn()
    after_objection_period(award)
    contracts.contract_upload(actor=award.project.created_by, award=award, file=pdf())
    contracts.contract_confirm(actor=user_of(award.agency), award=award)
    award.refresh_from_db()
    return award


def test_delivery_accepted_on_time_sends_signal_and_accepts_the_award(received):
    award = in_service()
    delivery = deliveries.delivery_submit(actor=user_of(award.agency), award=award,
                                   file=pdf("report.pdf"), note="报告书终稿")
    with pytest.raises(NotAllowed):
        deliveries.delivery_accept(actor=user_of(award.agency), delivery=delivery)
    deliveries.delivery_accept(actor=award.project.created_by, delivery=delivery)
    award.refresh_from_db()
    delivery.refresh_from_db()
    assert award.status == Award.Status.ACCEPTED and delivery.status == Delivery.Status.ACCEPTED
    decided = [k for s, k in received if s is signals.delivery_decided]
    assert decided[0]["accepted"] is True and decided[0]["on_time"] is True


def test_delivery_returned_with_reason_goes_back_in_service_and_late_is_recorded(received):
    award = in_service()
    Contract.objects.filter(award=award).update(
        confirmed_at=timezone.now() - dt.timedelta(days=90))
    delivery = deliveries.delivery_submit(actor=user_of(award.agency), award=award, file=pdf("r.pdf"))
    with pytest.raises(ValidationFailed):
        deliveries.delivery_return(actor=award.project.created_by, delivery=delivery, reason="")
    deliveries.delivery_return(actor=award.project.created_by, delivery=delivery,
                        reason="缺少附图，请补充。")
    award.refresh_from_db()
    assert award.status == Award.Status.IN_SERVICE
    decided = [k for s, k in received if s is signals.delivery_decided]
    assert decided[0]["accepted"] is False and decided[0]["on_time"] is False
    with pytest.raises(Conflict):
        deliveries.delivery_accept(actor=award.project.created_by, delivery=delivery)


def test_live_bidding_refusal_offers_the_bidder_with_the_next_best_bid():
    project, (a, b, c) = bf.live_auction(bidders=3)
    bid_place(actor=user_of(a.agency), project=project, value="95000")
    bid_place(actor=user_of(b.agency), project=project, value="90000")
    bid_place(actor=user_of(c.agency), project=project, value="88000")
    bid_place(actor=user_of(a.agency), project=project, value="85000")
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    award = auction_close(project=project)
    assert award.signup_id == a.pk
    after_objection_period(award)
    second = contracts.contract_refuse(actor=user_of(a.agency), award=award, reason="无法履约")
    assert second.signup_id == c.pk and str(second.price) == "88000.00" and second.rank == 2
    after_objection_period(second)
    third = contracts.contract_refuse(actor=user_of(c.agency), award=second, reason="无法履约")
    assert third.signup_id == b.pk and str(third.price) == "90000.00" and third.rank == 3
