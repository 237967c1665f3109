"""The one eligibility function (bidding.eligibility), used by sign-up and both bid paths."""
import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Agency
from bidding.eligibility import eligibility_problems, require_eligible
from bidding.models import Project
from core.errors import NotAllowed
from tests.factories import bidding as bf
from tests.factories.agencies import service_item
from tests.factories.core import approval_user

pytestmark = pytest.mark.django_db

SURVEY = {"name": "测绘资质", "grade": "乙级", "legal_basis": "《中华人民共和国测绘法》第二十七条"}
SAFETY = {"name": "安全评价机构资质", "grade": "", "legal_basis": "《安全生产法》第七十二条"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_an_agency_from_xinjiang_may_sign_up_for_a_hubei_project():
    project = bf.project(region=bf.region("420000"))
    agency = bf.bidding_agency(project, region_code="650000")
    assert agency.region.code == "650000"
    assert eligibility_problems(agency=agency, project=project) == []


@pytest.mark.parametrize("standing, words", [
    (Agency.Standing.SUSPENDED, "suspended"), (Agency.Standing.EXPELLED, "expelled")])
def test_a_suspended_or_expelled_agency_is_not_eligible(standing, words):
    project = bf.project()
    agency = bf.bidding_agency(project)
    Agency.objects.filter(pk=agency.pk).update(standing=standing)
    agency.refresh_from_db()
    with pytest.raises(NotAllowed, match=words):
        require_eligible(agency=agency, project=project)


def test_a_warned_agency_stays_eligible():
    project = bf.project()
    agency = bf.bidding_agency(project)
    Agency.objects.filter(pk=agency.pk).update(standing=Agency.Standing.WARNED)
    agency.refresh_from_db()
    assert eligibility_problems(agency=agency, project=project) == []


def test_an_agency_not_offering_the_item_is_not_eligible():
    project = bf.project()
    other = bf.bidding_agency(item=service_item(title="水土保持方案编制"))
    problems = eligibility_problems(agency=other, project=project)
    assert len(problems) == 1 and "does not offer" in problems[0]


def test_all_of_requires_every_qualification_with_its_grade():
    project = bf.project(qualifications=[SURVEY, SAFETY])
    only_one = bf.bidding_agency(project, qualifications=[{"name": "测绘资质", "grade": "甲级"}])
    problems = eligibility_problems(agency=only_one, project=project)
    assert len(problems) == 1 and "安全评价机构资质" in problems[0]
    both = bf.bidding_agency(project, qualifications=[{"name": "测绘资质", "grade": "乙级"},
                                                      {"name": "安全评价机构资质"}])
    assert eligibility_problems(agency=both, project=project) == []


def test_a_lower_grade_does_not_satisfy_a_higher_one():
    project = bf.project(qualifications=[SURVEY])
    agency = bf.bidding_agency(project, qualifications=[{"name": "测绘资质", "grade": "丙级"}])
    assert "测绘资质 乙级" in eligibility_problems(agency=agency, project=project)[0]


def test_any_of_is_satisfied_by_one_qualification():
    project = bf.project(qualifications=[SURVEY, SAFETY],
                         qualification_mode=Project.QualificationMode.ANY)
    agency = bf.bidding_agency(project, qualifications=[{"name": "安全评价机构资质"}])
    assert eligibility_problems(agency=agency, project=project) == []
    none = bf.bidding_agency(project)
    assert "One of these" in eligibility_problems(agency=none, project=project)[0]


def test_an_expired_qualification_is_not_enough():
    project = bf.project(qualifications=[SURVEY])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    agency = bf.bidding_agency(project, qualifications=[
        {"name": "测绘资质", "grade": "乙级", "valid_until": yesterday}])
    assert "expired" in eligibility_problems(agency=agency, project=project)[0]


def test_an_agency_on_the_avoidance_list_sees_the_reason():
    item = service_item()
    agency = bf.bidding_agency(item=item)
    project = bf.project(item=item, avoid=[(agency, "曾为本项目编制可行性研究报告")])
    problems = eligibility_problems(agency=agency, project=project)
    assert problems == ["Your agency is on this project's avoidance list: 曾为本项目编制可行性研究报告"]


def test_an_agency_tied_to_the_approving_department_is_not_eligible_r8():
    dept = approval_user().member.organisation  # 行政审批局
    project = bf.project(approval_department=dept)
    tied = bf.bidding_agency(project, gov_tie_declared=True, gov_tie_department="行政审批局")
    assert "R8" in eligibility_problems(agency=tied, project=project)[0]
    tied_elsewhere = bf.bidding_agency(project, gov_tie_declared=True,
                                       gov_tie_department="某县林业局")
    assert eligibility_problems(agency=tied_elsewhere, project=project) == []


def test_an_agency_tied_to_the_purchasing_department_is_not_eligible_r8():
    owner = bf.purchaser(government=True, name="某市交通运输局")
    project = bf.project(owner=owner)
    tied = bf.bidding_agency(project, gov_tie_declared=True, gov_tie_department="某市交通运输局")
    assert eligibility_problems(agency=tied, project=project)


def test_bidding_needs_an_active_signup():
    project, (signup, *_rest) = bf.live_auction(bidders=2)
    assert eligibility_problems(agency=signup.agency, project=project, for_bid=True) == []
    outsider = bf.bidding_agency(project)
    assert eligibility_problems(agency=outsider, project=project) == []
    with pytest.raises(NotAllowed, match="not signed up"):
        require_eligible(agency=outsider, project=project, for_bid=True)


def test_the_bid_service_refuses_with_the_same_eligibility_reason():
    from bidding.models import Avoidance
    from bidding.services.auctions import bid_place

    project, (signup, *_rest) = bf.live_auction(bidders=2)
    Avoidance.objects.create(project=project, agency=signup.agency, reason="与业主存在控股关系")
    user = signup.agency.organisation.members.get().user
    with pytest.raises(NotAllowed, match="与业主存在控股关系"):
        bid_place(actor=user, project=project, value="99000")
