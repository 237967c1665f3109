"""What credit tells the parties (docs/architecture.md, "Notifications"): sanctions through
their life (to the agency; proposals, decisions and appeals also to the regulators of its
region), suspensions about to end, grade changes (only when the grade moves), regulators'
findings and repairs, random inspections, tie reviews, and the purchaser's own penalties. Each
person once, delivered to the inbox; a repeated call or step notifies nobody again."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Agency
from bidding import signals
from bidding.models import Award
from core.errors import Conflict
from credit.models import CreditEvent, InspectionFinding, Sanction
from credit.services import inspections as insp
from credit.services.ledger import credit_finding_record, credit_repair
from credit.services.notices import sanction_expiry_reminders
from credit.services.recompute import credit_recompute
from credit.services.sanctions import (
    agency_reinstate,
    sanction_appeal,
    sanction_appeal_decide,
    sanction_confirm,
    sanction_impose,
    sanction_lift,
    sanction_reject,
    sanctions_expire,
)
from credit.services.ties import tie_review_record
from marketplace.periodic import STEPS
from tests.factories import ratings as rf
from tests.factories.agencies import agency as make_agency
from tests.factories.agencies import agency_user
from tests.factories.core import MemberFactory, region, regulator_user
from tests.factories.credit import event
from tests.notifications.notices import (
    assert_each_once_and_delivered,
    kinds,
    members,
    one,
    ours,
    told,
)

pytestmark = pytest.mark.django_db
Kind = CreditEvent.Kind
FRAUD = "注册时提交伪造的资质证书"


@pytest.fixture
def world():
    """An agency of 湖北省 with two members, the regulators over everywhere and over 湖北省 (its
    jurisdiction) and one of 湖南省 (not)."""
    agency = make_agency()
    MemberFactory(organisation=agency.organisation)
    return {"agency": agency, "org": agency.organisation,
            "everywhere": regulator_user(), "province": regulator_user(region=region("420000")),
            "elsewhere": regulator_user(region=region("430000"))}


def _regulators(world):
    return sorted([world["everywhere"].pk, world["province"].pk])


def test_a_sanction_imposed_tells_the_agency_by_its_kind(world,
                                                       django_capture_on_commit_callbacks):
    agency, regulator = world["agency"], world["province"]
    with django_capture_on_commit_callbacks(execute=True):
        suspension = sanction_impose(actor=regulator, agency=agency,
                                     kind=Sanction.Kind.SUSPENSION, reason="拒不签订合同", days=30)
        sanction_impose(actor=regulator, agency=agency, kind=Sanction.Kind.WARNING,
                        reason="服务不规范")
    assert told("sanction.suspension") == members(world["org"])
    assert told("sanction.warning") == members(world["org"])
    note = one("sanction.suspension")
    assert note.url == f"/credit/sanctions/{suspension.pk}/"
    assert note.data["ends"] == timezone.localtime(suspension.ends_at).strftime("%Y-%m-%d %H:%M")
    assert "暂停至" in note.render("zh-hans")[1]
    assert not ours().filter(user_id__in=_regulators(world)).exists()
    assert_each_once_and_delivered()


def test_a_proposed_expulsion_reaches_the_agency_and_the_regulators_who_confirm_it(
        world, django_capture_on_commit_callbacks):
    agency, regulator = world["agency"], world["province"]
    with django_capture_on_commit_callbacks(execute=True):
        credit_finding_record(actor=regulator, agency=agency, kind=Kind.REGISTRATION_FRAUD,
                              reason=FRAUD)
    proposed = Sanction.objects.get(status=Sanction.Status.PROPOSED)
    assert told("sanction.proposed") == sorted(members(world["org"]) + _regulators(world))
    assert told("credit.finding_recorded") == members(world["org"])
    assert FRAUD in one("credit.finding_recorded").data["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        sanction_confirm(actor=regulator, sanction=proposed)
    with pytest.raises(Conflict):
        sanction_confirm(actor=world["everywhere"], sanction=proposed)
    assert told("sanction.confirmed") == sorted(members(world["org"]) + _regulators(world))
    assert one("sanction.confirmed").url == f"/credit/sanctions/{proposed.pk}/"
    assert world["elsewhere"].pk not in {n.user_id for n in ours()}
    assert_each_once_and_delivered()


def test_a_rejected_proposal_a_lift_and_a_reinstatement_tell_the_agency(
        world, django_capture_on_commit_callbacks):
    agency, regulator = world["agency"], world["province"]
    with django_capture_on_commit_callbacks(execute=True):
        credit_finding_record(actor=regulator, agency=agency, kind=Kind.REGISTRATION_FRAUD,
                              reason=FRAUD)
        proposed = Sanction.objects.get(status=Sanction.Status.PROPOSED)
        sanction_reject(actor=regulator, sanction=proposed, reason="证书经核实为真实有效。")
        warning = sanction_impose(actor=regulator, agency=agency, kind=Sanction.Kind.WARNING,
                                  reason="服务不规范")
        sanction_lift(actor=regulator, sanction=warning, reason="已整改到位。")
        sanction_impose(actor=regulator, agency=agency, kind=Sanction.Kind.SUSPENSION,
                        reason="拒不签订合同", days=30)
        agency_reinstate(actor=regulator, agency=agency, reason="整改完成，恢复。")
    with pytest.raises(Conflict):
        agency_reinstate(actor=regulator, agency=agency, reason="再次恢复。")
    org = members(world["org"])
    assert told("sanction.rejected") == sorted(org + _regulators(world))
    assert one("sanction.rejected").data["decision"] == "证书经核实为真实有效。"
    assert told("sanction.lifted") == org
    assert told("agency.reinstated") == org
    assert one("agency.reinstated").url == f"/credit/agencies/{agency.pk}/"
    assert_each_once_and_delivered()


def test_an_appeal_goes_to_the_regulators_and_its_decision_to_the_agency(
        world, django_capture_on_commit_callbacks):
    agency, regulator = world["agency"], world["province"]
    with django_capture_on_commit_callbacks(execute=True):
        first = sanction_impose(actor=regulator, agency=agency, kind=Sanction.Kind.SUSPENSION,
                                reason="拒不签订合同", days=30)
        sanction_appeal(actor=agency_user(agency), sanction=first, text="系不可抗力所致。")
        sanction_appeal_decide(actor=regulator, sanction=first, upheld=True,
                               decision="不可抗力属实，撤销。")
        second = sanction_impose(actor=regulator, agency=agency, kind=Sanction.Kind.WARNING,
                                 reason="服务不规范")
        sanction_appeal(actor=agency_user(agency), sanction=second, text="不服。")
        sanction_appeal_decide(actor=regulator, sanction=second, upheld=False,
                               decision="事实清楚，维持。")
    with pytest.raises(Conflict):
        sanction_appeal(actor=agency_user(agency), sanction=second, text="再次申诉。")
    assert told("sanction.appealed") == sorted(_regulators(world) * 2)  # one per sanction
    assert {n.key for n in ours().filter(kind="sanction.appealed")} == {
        f"sanction.appealed:{first.pk}", f"sanction.appealed:{second.pk}"}
    assert told("sanction.appeal_upheld") == members(world["org"])
    assert told("sanction.appeal_rejected") == members(world["org"])
    assert one("sanction.appeal_upheld").data["decision"] == "不可抗力属实，撤销。"
    assert_each_once_and_delivered()


def test_an_ending_suspension_is_announced_a_working_day_ahead_once_then_its_end(
        world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        suspension = sanction_impose(actor=world["province"], agency=world["agency"],
                                     kind=Sanction.Kind.SUSPENSION, reason="拒不签订合同",
                                     days=30)
        ends = suspension.ends_at
        assert sanction_expiry_reminders(now=ends - dt.timedelta(days=10)) == 0
        assert sanction_expiry_reminders(now=ends - dt.timedelta(hours=3)) == 1
        assert sanction_expiry_reminders(now=ends - dt.timedelta(hours=2)) == 0  # next run
        assert sanctions_expire(now=ends + dt.timedelta(minutes=1)) == 1
        assert sanctions_expire(now=ends + dt.timedelta(minutes=6)) == 0
        assert sanction_expiry_reminders(now=ends - dt.timedelta(hours=1)) == 0  # over
    assert told("sanction.expiring") == members(world["org"])
    assert told("sanction.expired") == members(world["org"])
    assert one("sanction.expiring").data["ends"] == \
        timezone.localtime(ends).strftime("%Y-%m-%d %H:%M")
    assert_each_once_and_delivered()


def test_credit_reminders_is_a_periodic_step_and_its_command_runs():
    assert STEPS["credit_reminders"] == 300
    out = io.StringIO()
    call_command("credit_reminders", stdout=out)
    assert out.getvalue().strip() == "reminded 0 suspensions"


def test_the_grade_changed_notice_comes_only_when_the_grade_moves(
        world, django_capture_on_commit_callbacks):
    agency = world["agency"]
    with django_capture_on_commit_callbacks(execute=True):
        event(agency, Kind.RATING, stars=4)          # B → B (80.67)
        assert not told("credit.grade_changed")
        late = event(agency, Kind.DELIVERY_LATE)     # B → C
        event(agency, Kind.DELIVERY_LATE)            # C → C
    assert told("credit.grade_changed") == members(world["org"])
    note = one("credit.grade_changed")
    assert (note.data["before"], note.data["after"]) == ("B", "C")
    assert note.key == f"credit.grade_changed:{agency.pk}:{late.pk}"
    # a recompute that moves nothing tells nobody; one that moves a grade tells its agency once
    with django_capture_on_commit_callbacks(execute=True):
        credit_recompute()
    assert len(told("credit.grade_changed")) == len(members(world["org"]))
    Agency.objects.filter(pk=agency.pk).update(credit_grade="A")
    with django_capture_on_commit_callbacks(execute=True):
        credit_recompute()
        credit_recompute()
    moved = ours().filter(kind="credit.grade_changed", key__contains="recompute")
    assert sorted(moved.values_list("user_id", flat=True)) == members(world["org"])
    assert {(n.data["before"], n.data["after"]) for n in moved} == {("A", "C")}
    assert_each_once_and_delivered()


def test_a_repair_tells_the_agency(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        repair = credit_repair(actor=world["province"], agency=world["agency"], points="5",
                               reason="整改完成，信用修复。")
    assert told("credit.repaired") == members(world["org"])
    assert one("credit.repaired").data["points"] == str(repair.points)
    assert_each_once_and_delivered()


def test_an_inspection_tells_the_drawn_agencies_and_the_regulators_at_each_step(
        world, django_capture_on_commit_callbacks):
    announcer = regulator_user(region=region("420100"))  # 武汉市, covering no drawn agency
    rf.inspectors(3)
    for _ in range(3):
        make_agency()
    with django_capture_on_commit_callbacks(execute=True):
        inspection = insp.inspection_announce(actor=announcer, title="2026年第一批双随机抽查",
                                              agency_count=2, inspector_count=2)
        assert not ours().exists()  # announced: the draw is still to come
        insp.inspection_draw(actor=announcer, inspection=inspection)
    findings = list(InspectionFinding.objects.filter(inspection=inspection)
                    .select_related("agency__organisation"))
    drawn = [f.agency.organisation for f in findings]
    assert told("inspection.selected") == members(*drawn)
    assert one("inspection.selected").url == f"/inspections/{inspection.pk}/"
    assert told("inspection.drawn") == sorted([announcer.pk, *_regulators(world)])
    assert one("inspection.drawn").url == f"/regulator/inspections/{inspection.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        for finding in findings:
            insp.inspection_finding_record(actor=announcer, finding=finding, result="pass")
        with pytest.raises(Conflict):
            insp.inspection_finding_record(actor=announcer, finding=findings[0], result="fail",
                                           note="重复记录")
        insp.inspection_publish(actor=announcer, inspection=inspection)
    assert told("inspection.finding_recorded") == members(*drawn)
    assert told("inspection.published") == members(*drawn)
    assert_each_once_and_delivered()


def test_a_tie_review_tells_the_agency_but_not_the_regulators_note(
        world, django_capture_on_commit_callbacks):
    agency = world["agency"]
    Agency.objects.filter(pk=agency.pk).update(gov_tie_declared=True,
                                               gov_tie_department="市住房和城乡建设局")
    with django_capture_on_commit_callbacks(execute=True):
        tie_review_record(actor=world["province"], agency=agency, note="内部核查：已脱钩。")
    assert told("tie.reviewed") == members(world["org"])
    note = one("tie.reviewed")
    assert note.data == {"agency": agency.name, "department": "市住房和城乡建设局"}
    assert "内部核查" not in note.render("zh-hans")[1]
    assert_each_once_and_delivered()


def test_a_purchasers_default_costs_it_points_and_tells_it_once(
        django_capture_on_commit_callbacks):
    award = rf.made_award()
    purchaser = award.project.purchaser
    MemberFactory(organisation=purchaser)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # the signal sent twice: one event, one notice
            signals.purchaser_defaulted.send(sender=Award, award=award, missed=True, actor=None)
    assert told("purchaser_credit.contract_missed") == members(purchaser)
    note = one("purchaser_credit.contract_missed")
    assert note.url == award.project.get_absolute_url()
    assert note.data["project"] == award.project.title and note.data["points"].startswith("-")
    assert not told("credit.grade_changed")
    assert not [k for k in kinds() if k.startswith("purchaser_credit.") and
                k != "purchaser_credit.contract_missed"]
    assert_each_once_and_delivered()
