"""Registration papers in the eligibility check (docs/design.md, "Registration papers"): the
certificates an agency uploaded for a qualification decide its expiry; without one, the date on
the qualification does; no paper is never a refusal by itself (R1)."""
import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Paper, Qualification
from agencies.services.papers import paper_withdraw
from bidding.eligibility import eligibility_problems
from bidding.services.signups import signup_create
from core.errors import NotAllowed
from tests.factories import bidding as bf
from tests.factories.agencies import agency_user, paper

pytestmark = pytest.mark.django_db

SURVEY = {"name": "测绘资质", "grade": "乙级", "legal_basis": "《中华人民共和国测绘法》第二十七条"}


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def surveyor(project, *, valid_until):
    agency = bf.bidding_agency(project, qualifications=[
        {"name": "测绘资质", "grade": "乙级", "valid_until": valid_until}])
    return agency, Qualification.objects.get(agency=agency)


def certificate(agency, qualification, expires_on):
    return paper(agency, kind=Paper.Kind.QUALIFICATION, title="测绘资质证书",
                 qualification=qualification, expires_on=expires_on)


def test_the_only_certificate_expired_refuses_sign_up_though_the_qualification_says_valid():
    project = bf.project(qualifications=[SURVEY])
    agency, qualification = surveyor(project, valid_until=day(1000))
    certificate(agency, qualification, day(-1))
    problems = eligibility_problems(agency=agency, project=project)
    assert problems == ["Your qualification “测绘资质 乙级” has expired."]
    with pytest.raises(NotAllowed, match="has expired"):
        signup_create(actor=agency_user(agency), project=project)
    assert not project.signups.exists()


def test_a_valid_certificate_keeps_the_agency_eligible():
    project = bf.project(qualifications=[SURVEY])
    agency, qualification = surveyor(project, valid_until=day(1000))
    certificate(agency, qualification, day(30))
    assert eligibility_problems(agency=agency, project=project) == []


def test_no_paper_at_all_is_not_a_refusal_r1():
    project = bf.project(qualifications=[SURVEY])
    agency, _q = surveyor(project, valid_until=day(1000))
    assert eligibility_problems(agency=agency, project=project) == []
    long_term, _q = surveyor(project, valid_until=None)
    assert eligibility_problems(agency=long_term, project=project) == []


def test_without_a_certificate_the_qualifications_own_expiry_decides():
    project = bf.project(qualifications=[SURVEY])
    agency, _q = surveyor(project, valid_until=day(-1))
    assert "has expired" in eligibility_problems(agency=agency, project=project)[0]


def test_a_renewed_certificate_counts_over_an_older_date_on_the_qualification():
    project = bf.project(qualifications=[SURVEY])
    agency, qualification = surveyor(project, valid_until=day(-10))
    certificate(agency, qualification, day(-10))
    certificate(agency, qualification, day(700))
    assert eligibility_problems(agency=agency, project=project) == []


def test_a_withdrawn_certificate_does_not_count():
    project = bf.project(qualifications=[SURVEY])
    agency, qualification = surveyor(project, valid_until=day(1000))
    certificate(agency, qualification, day(-5))
    renewed = certificate(agency, qualification, day(365))
    paper_withdraw(actor=agency_user(agency), agency=agency, paper_id=renewed.pk)
    assert "has expired" in eligibility_problems(agency=agency, project=project)[0]


def test_an_expired_business_licence_alone_does_not_bar_anyone():
    project = bf.project()
    agency = bf.bidding_agency(project)
    paper(agency, kind=Paper.Kind.BUSINESS_LICENCE, title="营业执照", expires_on=day(-30))
    assert eligibility_problems(agency=agency, project=project) == []
