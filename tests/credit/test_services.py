"""Credit ledger and exit-mechanism services."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Agency
from bidding import signals
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from credit.models import CreditEvent, Sanction
from credit.selectors.ledger import agency_score, sanction_block_reason
from credit.services import ledger, recompute, sanctions
from tests.factories.agencies import agency as make_agency
from tests.factories.core import purchaser_user, regulator_user
from tests.factories.credit import Kind, Source, event, rating, suspended_agency

pytestmark = pytest.mark.django_db

Standing = Agency.Standing


def _fresh(agency):
    agency.refresh_from_db()
    return agency


def test_recording_an_event_updates_the_stored_score_in_the_same_call_and_audits():
    agency = make_agency()
    recorded = rating(agency, 5)
    assert agency.credit_score == Decimal("82.00")  # 80 + 12 * 1.5 / 9, on the caller's instance
    assert _fresh(agency).credit_score == Decimal("82.00")
    assert recorded.score_after == Decimal("82.00")
    assert recorded.rule_version == "2026.1"
    assert AuditEvent.objects.filter(action="credit.event_recorded",
                                     object_id=str(recorded.pk)).exists()


def test_points_default_to_the_rule_versions_points_for_the_kind():
    agency = make_agency()
    late = event(agency, Kind.DELIVERY_LATE)
    assert late.points == Decimal("-3")
    assert _fresh(agency).credit_score == Decimal("77.00")


def test_a_rating_needs_stars_between_one_and_five():
    agency = make_agency()
    with pytest.raises(ValidationFailed):
        ledger.credit_event_record(agency=agency, kind=Kind.RATING, source=Source.PURCHASER)
    with pytest.raises(ValidationFailed):
        ledger.credit_event_record(agency=agency, kind=Kind.RATING, source=Source.PURCHASER,
                                     stars=6)
    with pytest.raises(ValidationFailed):
        ledger.credit_event_record(agency=agency, kind="bogus", source=Source.PURCHASER)
    assert not CreditEvent.objects.exists()


def test_the_same_ref_is_recorded_once():
    agency = make_agency()
    first = event(agency, Kind.DELIVERY_ON_TIME, ref=("bidding.delivery", 7))
    again = event(agency, Kind.DELIVERY_ON_TIME, ref=("bidding.delivery", 7))
    assert first.pk == again.pk
    assert CreditEvent.objects.count() == 1


def test_credit_events_are_never_deleted_or_edited():
    agency = make_agency()
    recorded = event(agency, Kind.DELIVERY_LATE)
    with pytest.raises(RuntimeError):
        recorded.delete()
    with pytest.raises(RuntimeError):
        CreditEvent.objects.filter(pk=recorded.pk).delete()
    recorded.points = Decimal(5)
    with pytest.raises(RuntimeError):
        recorded.save()
    assert CreditEvent.objects.get(pk=recorded.pk).points == Decimal("-3")


def test_a_voided_rating_no_longer_counts_but_stays_listed():
    agency = make_agency()
    bad = rating(agency, 1)
    assert _fresh(agency).credit_score == Decimal("76.67")
    ledger.credit_event_void(actor=regulator_user(), event=bad, reason="评价人与机构存在纠纷，评价无效")
    agency.refresh_from_db()
    assert agency.credit_score == Decimal("80.00")
    assert CreditEvent.objects.get(pk=bad.pk).voided
    assert agency_score(agency.pk).score == agency.credit_score
    with pytest.raises(Conflict):
        ledger.credit_event_void(actor=regulator_user(), event=bad, reason="again")


def test_only_a_regulator_voids_an_event_and_a_reason_is_required():
    agency = make_agency()
    recorded = rating(agency, 1)
    with pytest.raises(NotAllowed):
        ledger.credit_event_void(actor=purchaser_user(), event=recorded, reason="x")
    with pytest.raises(ValidationFailed):
        ledger.credit_event_void(actor=regulator_user(), event=recorded, reason="  ")
    assert not CreditEvent.objects.get(pk=recorded.pk).voided


def test_void_for_ref_voids_the_rating_event_of_a_voided_rating():
    agency = make_agency()
    rating(agency, 1, ref=("ratings.rating", 42))
    assert ledger.credit_event_void_for_ref(actor=regulator_user(),
                                              ref=("ratings.rating", 42), reason="无效") == 1
    assert _fresh(agency).credit_score == Decimal("80.00")


# --- exit triggers -----------------------------------------------------------------------------

def test_refusal_to_sign_suspends_the_agency_at_once():
    agency = make_agency()
    event(agency, Kind.CONTRACT_REFUSED, source=Source.OPERATOR, reason="拒签")
    agency.refresh_from_db()
    assert agency.standing == Standing.SUSPENDED
    sanction = Sanction.objects.get(agency=agency)
    assert (sanction.kind, sanction.status, sanction.trigger) == (
        "suspension", "active", "contract_refusal")
    assert sanction.ends_at - sanction.starts_at == dt.timedelta(days=90)
    reason = sanction_block_reason(agency)
    assert "拒签" in reason


def test_missed_signing_deadline_also_suspends(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "SANCTION_SUSPENSION_DAYS": 30}
    agency = make_agency()
    event(agency, Kind.CONTRACT_MISSED, source=Source.OPERATOR)
    sanction = Sanction.objects.get(agency=agency)
    assert sanction.ends_at - sanction.starts_at == dt.timedelta(days=30)


def test_three_upheld_complaints_in_twelve_months_propose_an_expulsion():
    agency = make_agency()
    now = timezone.now()
    for days in (300, 100):
        event(agency, Kind.COMPLAINT_UPHELD, source=Source.INDUSTRY_DEPARTMENT,
              occurred_at=now - dt.timedelta(days=days))
    assert not Sanction.objects.filter(kind="expulsion").exists()
    event(agency, Kind.COMPLAINT_UPHELD, source=Source.INDUSTRY_DEPARTMENT)
    expulsion = Sanction.objects.get(agency=agency, kind="expulsion")
    assert expulsion.status == "proposed" and expulsion.trigger == "complaints"
    assert sanction_block_reason(agency) is None  # proposed only: not yet in force
    assert _fresh(agency).standing != Standing.EXPELLED


def test_complaints_older_than_twelve_months_do_not_count_toward_expulsion():
    agency = make_agency()
    now = timezone.now()
    for days in (500, 400, 1):
        event(agency, Kind.COMPLAINT_UPHELD, source=Source.INDUSTRY_DEPARTMENT,
              occurred_at=now - dt.timedelta(days=days))
    assert not Sanction.objects.filter(kind="expulsion").exists()


def test_registration_fraud_proposes_expulsion_and_confirmation_expels_with_blacklist():
    agency = make_agency()
    event(agency, Kind.REGISTRATION_FRAUD, source=Source.OPERATOR, reason="伪造营业执照")
    proposed = Sanction.objects.get(agency=agency, kind="expulsion")
    assert proposed.status == "proposed"
    regulator = regulator_user()
    confirmed = sanctions.sanction_confirm(actor=regulator, sanction=proposed)
    agency.refresh_from_db()
    assert confirmed.status == "active" and agency.standing == Standing.EXPELLED
    years = (confirmed.blacklist_until - confirmed.starts_at).days
    assert 365 * 3 <= years <= 366 * 3
    assert "expelled" in sanction_block_reason(agency) or "清退" in sanction_block_reason(agency)
    assert AuditEvent.objects.filter(action="sanction.confirmed").exists()
    with pytest.raises(Conflict):
        sanctions.sanction_confirm(actor=regulator, sanction=proposed)


def test_only_a_regulator_confirms_an_expulsion():
    agency = make_agency()
    event(agency, Kind.REGISTRATION_FRAUD, source=Source.OPERATOR)
    proposed = Sanction.objects.get(agency=agency, kind="expulsion")
    with pytest.raises(NotAllowed):
        sanctions.sanction_confirm(actor=purchaser_user(), sanction=proposed)
    with pytest.raises(NotAllowed):
        sanctions.sanction_confirm(actor=agency.organisation.members.first().user,
                                  sanction=proposed)


def test_low_grade_warns_and_recovery_lifts_the_warning():
    agency = make_agency()
    for _ in range(2):
        event(agency, Kind.OBJECTION_UPHELD, source=Source.PURCHASER)  # 80 - 10 = 70 (C)
    assert _fresh(agency).standing == Standing.GOOD
    event(agency, Kind.DELIVERY_LATE)  # 67 → D
    agency.refresh_from_db()
    assert agency.credit_grade == "D" and agency.standing == Standing.WARNED
    warning = Sanction.objects.get(agency=agency, kind="warning")
    assert sanction_block_reason(agency) is None  # a warning does not block
    ledger.credit_repair(actor=regulator_user(), agency=agency, points=10, reason="整改到位")
    agency.refresh_from_db()
    assert agency.credit_grade == "C" and agency.standing == Standing.GOOD
    warning.refresh_from_db()
    assert warning.status == "lifted"


def test_one_star_credit_suspends():
    agency = make_agency()
    event(agency, Kind.REGULATOR_FINDING, source=Source.PURCHASER, points=-21)
    agency.refresh_from_db()
    assert agency.credit_stars == 1
    assert agency.standing == Standing.SUSPENDED
    assert Sanction.objects.filter(agency=agency, trigger="one_star", status="active").exists()


# --- regulator actions -----------------------------------------------------------------------

def test_regulator_imposes_and_lifts_a_suspension_and_standing_follows():
    agency = suspended_agency()
    assert agency.standing == Standing.SUSPENDED
    sanction = Sanction.objects.get(agency=agency)
    sanctions.sanction_lift(actor=regulator_user(), sanction=sanction, reason="申诉材料属实")
    assert _fresh(agency).standing == Standing.GOOD
    assert sanction_block_reason(agency) is None
    with pytest.raises(Conflict):
        sanctions.sanction_lift(actor=regulator_user(), sanction=sanction, reason="again")


def test_impose_refuses_bad_input_readably():
    agency = make_agency()
    reg = regulator_user()
    with pytest.raises(ValidationFailed):
        sanctions.sanction_impose(actor=reg, agency=agency, kind="fine", reason="x")
    with pytest.raises(ValidationFailed):
        sanctions.sanction_impose(actor=reg, agency=agency, kind="suspension", reason="")
    with pytest.raises(ValidationFailed):
        sanctions.sanction_impose(actor=reg, agency=agency, kind="suspension", reason="x",
                                 days="abc")
    with pytest.raises(NotAllowed):
        sanctions.sanction_impose(actor=purchaser_user(), agency=agency, kind="warning",
                                 reason="x")
    assert not Sanction.objects.exists()


def test_agency_appeals_and_an_upheld_appeal_revokes_the_sanction():
    agency = suspended_agency()
    sanction = Sanction.objects.get(agency=agency)
    agency_user = agency.organisation.members.first().user
    with pytest.raises(NotAllowed):
        sanctions.sanction_appeal(actor=make_agency().organisation.members.first().user,
                                 sanction=sanction, text="不是我们")
    sanctions.sanction_appeal(actor=agency_user, sanction=sanction, text="合同条款与公告不符，拒签有正当理由")
    with pytest.raises(Conflict):
        sanctions.sanction_appeal(actor=agency_user, sanction=sanction, text="again")
    decided = sanctions.sanction_appeal_decide(actor=regulator_user(), sanction=sanction,
                                              upheld=True, decision="经核查，合同条款与公告不一致")
    assert decided.appeal_status == "upheld" and decided.status == "revoked"
    assert _fresh(agency).standing == Standing.GOOD


def test_a_rejected_appeal_leaves_the_sanction_in_force():
    agency = suspended_agency()
    sanction = Sanction.objects.get(agency=agency)
    sanctions.sanction_appeal(actor=agency.organisation.members.first().user, sanction=sanction,
                             text="理由")
    decided = sanctions.sanction_appeal_decide(actor=regulator_user(), sanction=sanction,
                                              upheld=False, decision="理由不成立")
    assert decided.status == "active"
    assert _fresh(agency).standing == Standing.SUSPENDED


def test_reinstate_lifts_every_sanction_of_the_agency():
    agency = make_agency()
    event(agency, Kind.CONTRACT_REFUSED, source=Source.OPERATOR)
    event(agency, Kind.REGISTRATION_FRAUD, source=Source.OPERATOR)
    sanctions.agency_reinstate(actor=regulator_user(), agency=agency, reason="经复核予以恢复")
    assert not Sanction.objects.filter(agency=agency, status__in=["active", "proposed"]).exists()
    assert _fresh(agency).standing == Standing.GOOD


def test_credit_repair_adds_a_positive_operator_event():
    agency = make_agency()
    repaired = ledger.credit_repair(actor=regulator_user(), agency=agency, points="10",
                                      reason="完成信用修复培训")
    assert repaired.kind == "repair" and repaired.source == "operator"
    assert _fresh(agency).credit_score == Decimal("84.00")  # 10 × 0.4
    with pytest.raises(ValidationFailed):
        ledger.credit_repair(actor=regulator_user(), agency=agency, points="-5", reason="x")
    with pytest.raises(NotAllowed):
        ledger.credit_repair(actor=purchaser_user(), agency=agency, points="5", reason="x")


# --- expiry -----------------------------------------------------------------------------------

def test_an_expired_suspension_lifts_and_standing_returns_to_good():
    agency = suspended_agency()
    sanction = Sanction.objects.get(agency=agency)
    later = sanction.ends_at + dt.timedelta(minutes=1)
    assert sanction_block_reason(agency, later) is None  # not blocking once due, even before
    assert sanctions.sanctions_expire(now=sanction.ends_at - dt.timedelta(minutes=1)) == 0
    assert sanctions.sanctions_expire(now=later) == 1
    sanction.refresh_from_db()
    assert sanction.status == "expired"
    assert _fresh(agency).standing == Standing.GOOD
    assert sanctions.sanctions_expire(now=later) == 0


def test_sanctions_expire_command_reports_what_it_did(capsys):
    agency = suspended_agency()
    Sanction.objects.filter(agency=agency).update(ends_at=timezone.now() - dt.timedelta(days=1))
    call_command("sanctions_expire")
    assert "expired 1" in capsys.readouterr().out
    assert _fresh(agency).standing == Standing.GOOD


# --- recompute --------------------------------------------------------------------------------

def test_credit_recompute_restores_a_tampered_stored_score_and_counts_changes(capsys):
    a, b = make_agency(), make_agency()
    rating(a, 5)
    event(b, Kind.DELIVERY_LATE)
    Agency.objects.filter(pk=a.pk).update(credit_score=Decimal("12.00"), credit_stars=1,
                                          credit_grade="E")
    call_command("credit_recompute", "--chunk-size", "1")
    assert "2 agencies, 1 changed" in capsys.readouterr().out
    assert _fresh(a).credit_score == Decimal("82.00")


def test_recompute_at_a_later_date_applies_the_decay():
    agency = make_agency()
    event(agency, Kind.CONTRACT_REFUSED, source=Source.PURCHASER)
    total, changed = recompute.credit_recompute(
        as_of=timezone.localdate() + dt.timedelta(days=730))
    assert (total, changed) == (1, 1)
    assert _fresh(agency).credit_score == Decimal("75.00")


# --- signal receivers -----------------------------------------------------------------------

def test_bidding_signals_record_credit_events_for_the_award_winner():
    from tests.factories.awards import made_award

    award = made_award()
    signals.award_refused.send(sender=None, award=award, missed=False, actor=None)
    refused = CreditEvent.objects.get(kind="contract_refused")
    assert refused.agency_id == award.agency_id and refused.ref_id == str(award.pk)
    assert Agency.objects.get(pk=award.agency_id).standing == Standing.SUSPENDED

    class Objection:  # the receiver reads award/decision and refs the objection
        pass
    from bidding.models import Objection as ObjectionModel
    objection = ObjectionModel.objects.create(award=award, agency=award.agency, text="异议",
                                              decision="异议成立")
    signals.objection_decided.send(sender=None, objection=objection, upheld=True, actor=None)
    signals.objection_decided.send(sender=None, objection=objection, upheld=True, actor=None)
    assert CreditEvent.objects.filter(kind="objection_upheld").count() == 1


def test_recompute_lifts_a_low_grade_warning_once_old_violations_have_decayed():
    agency = make_agency()
    past = timezone.now() - dt.timedelta(days=10)
    for _ in range(3):
        event(agency, Kind.OBJECTION_UPHELD, occurred_at=past)  # 65 → D, warned
    assert _fresh(agency).standing == Standing.WARNED
    recompute.credit_recompute(as_of=timezone.localdate() + dt.timedelta(days=3 * 730))
    agency.refresh_from_db()
    assert agency.credit_grade == "C" and agency.standing == Standing.GOOD  # 80 - 15 / 8
    assert Sanction.objects.get(agency=agency, kind="warning").status == "lifted"
