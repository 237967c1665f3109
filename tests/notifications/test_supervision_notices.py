"""What online complaints tell (docs/architecture.md, "Notifications"): a new complaint to the
regulators whose jurisdiction covers it and a receipt to the complainant alone; acceptance to
the complainant; the decision to the complainant and to the party complained about, which never
learns who complained. Each person once, delivered to the inbox; a repeat notifies nobody."""
from __future__ import annotations

import pytest

from core.errors import Conflict
from supervision.models import Complaint
from supervision.services import complaints as svc
from tests.factories import bidding as bf
from tests.factories.agencies import agency as make_agency
from tests.factories.agencies import agency_user
from tests.factories.core import MemberFactory, purchaser_user, region, regulator_user
from tests.notifications.notices import assert_each_once_and_delivered, members, one, ours, told

pytestmark = pytest.mark.django_db
CONDUCT = "该机构中标后未按合同约定时间派员进场，且多次更换项目负责人，请求依法处理。"
FACTS = "招标文件要求“须在本市设有分公司”，属于以不合理条件限制、排斥潜在供应商，请求责令修改。"


@pytest.fixture
def regulators():
    """Over everywhere and over 湖北省 (the complaints' region), and one of 湖南省."""
    return {"everywhere": regulator_user(), "province": regulator_user(region=region("420000")),
            "elsewhere": regulator_user(region=region("430000"))}


def _covering(regulators):
    return sorted([regulators["everywhere"].pk, regulators["province"].pk])


def test_a_complaint_about_an_agency_reaches_its_regulators_a_receipt_and_then_the_agency(
        regulators, django_capture_on_commit_callbacks):
    agency = make_agency()  # 湖北省
    MemberFactory(organisation=agency.organisation)
    complainant = purchaser_user()
    colleague = MemberFactory(organisation=complainant.member.organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        complaint = svc.complaint_file(actor=complainant, subject="agency", category="conduct",
                                       text=CONDUCT, agency=agency)
    assert told("complaint.received") == _covering(regulators)
    assert told("complaint.filed") == [complainant.pk]  # the person, not the colleague
    assert colleague.pk not in set(ours().values_list("user_id", flat=True))
    assert not ours().filter(
        user_id__in=members(agency.organisation)).exists()  # an open complaint is not public
    received = one("complaint.received")
    assert received.url == f"/complaints/{complaint.pk}/"
    assert complaint.number in received.render("zh-hans")[1]
    with django_capture_on_commit_callbacks(execute=True):
        svc.complaint_accept(actor=regulators["province"], complaint=complaint)
    with pytest.raises(Conflict):
        svc.complaint_accept(actor=regulators["province"], complaint=complaint)
    assert told("complaint.accepted") == [complainant.pk]
    with django_capture_on_commit_callbacks(execute=True):
        svc.complaint_decide(actor=regulators["province"], complaint=complaint, upheld=True,
                             outcome="经查属实，记入该机构信用记录。")
    with pytest.raises(Conflict):
        svc.complaint_decide(actor=regulators["province"], complaint=complaint, upheld=False,
                             outcome="再次决定，不应成立。")
    assert told("complaint.upheld") == sorted([complainant.pk, *members(agency.organisation)])
    upheld = one("complaint.upheld", members(agency.organisation)[0])
    assert upheld.data["outcome"] == "经查属实，记入该机构信用记录。"
    shown = " ".join(upheld.render("zh-hans")) + str(upheld.data)
    org_name = complainant.member.organisation.name
    assert org_name not in shown and complainant.username not in shown
    assert not told("complaint.dismissed")
    assert_each_once_and_delivered()


def test_a_posting_complaint_refused_or_dismissed_tells_the_complainant_and_the_purchaser(
        regulators, django_capture_on_commit_callbacks):
    project = bf.project()  # in 湖北省
    complainant = agency_user(bf.bidding_agency(project))
    other = bf.project()
    with django_capture_on_commit_callbacks(execute=True):
        refused = svc.complaint_file(actor=complainant, subject="posting",
                                     category="designation", text=FACTS, project=project)
        svc.complaint_not_accept(actor=regulators["everywhere"], complaint=refused,
                                 reason="超出投诉期限，不予受理。")
        dismissed = svc.complaint_file(actor=complainant, subject="posting",
                                       category="unfair_terms", text=FACTS, project=other)
        svc.complaint_accept(actor=regulators["province"], complaint=dismissed)
        svc.complaint_decide(actor=regulators["province"], complaint=dismissed, upheld=False,
                             outcome="条款合理，投诉不成立。")
    assert told("complaint.not_accepted") == sorted([complainant.pk,
                                                    *members(project.purchaser)])
    assert told("complaint.dismissed") == sorted([complainant.pk, *members(other.purchaser)])
    assert told("complaint.received") == sorted(_covering(regulators) * 2)
    assert one("complaint.dismissed").data["about"] == other.title
    assert Complaint.objects.get(pk=dismissed.pk).status == Complaint.Status.DISMISSED
    assert regulators["elsewhere"].pk not in set(
        ours().values_list("user_id", flat=True))
    assert_each_once_and_delivered()
