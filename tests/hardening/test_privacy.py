"""Anonymous visitors and other parties see what a public notice needs; the agency's personal
data (contact person, phone, e-mail, legal representative, practitioners' names and certificate
numbers) only the agency itself, regulators and the purchasers of projects it signed up for
(issue 8)."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agencies.models import Practitioner
from core.text import mask
from tests.factories import bidding as bf
from tests.factories.agencies import agency as make_agency
from tests.factories.agencies import agency_user
from tests.factories.core import purchaser_user, regulator_user

pytestmark = pytest.mark.django_db

PERSONAL = ("legal_representative", "contact_name", "contact_phone", "contact_email")


def _agency_with_person():
    created = make_agency(name="隐私测试咨询有限公司")
    Practitioner.objects.create(agency=created, name="孙八一", speciality="环境工程",
                                certificate="HP-0012341")
    return created


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_mask_hides_the_middle_and_always_at_least_one_character():
    assert mask("孙八一", keep_start=1) == "孙**"
    assert mask("HP-0012341", keep_start=4, keep_end=1) == "HP-0*****1"
    assert mask("王", keep_start=1) == "*"
    assert mask("", keep_start=1) == ""


@pytest.mark.parametrize("who", ["anonymous", "other_purchaser", "other_agency"])
def test_the_public_and_unrelated_parties_get_no_personal_data_from_the_api(who):
    target = _agency_with_person()
    user = {"anonymous": lambda: None, "other_purchaser": purchaser_user,
            "other_agency": lambda: agency_user(make_agency(name="别家咨询有限公司"))}[who]()
    body = _api(user).get(f"/api/v1/agencies/{target.pk}/").json()
    assert all(body[field] == "" for field in PERSONAL), body
    person = body["practitioners"][0]
    assert person["name"] == "孙**" and person["certificate"] == "HP-0*****1"
    assert body["name"] == "隐私测试咨询有限公司"  # what a public notice needs stays


def test_the_agency_itself_a_regulator_and_a_purchaser_it_signed_up_with_see_the_contacts():
    """The purchaser once sign-up has closed: before, the contacts would tell it who signed up
    (tests/bidding/test_signups_confidential.py)."""
    target = _agency_with_person()
    project = bf.project(status=bf.Status.SELECTING)
    bf.signup(project=project, agency=target, label="A")
    for user in (agency_user(target), regulator_user(), project.created_by):
        body = _api(user).get(f"/api/v1/agencies/{target.pk}/").json()
        assert body["contact_phone"] == target.contact_phone, user
        assert body["practitioners"][0]["certificate"] == "HP-0012341"


def test_the_public_profile_page_shows_no_phone_and_masks_certificates(client):
    target = _agency_with_person()
    page = client.get(f"/agencies/{target.pk}/").content.decode()
    assert target.contact_phone not in page and target.legal_representative not in page
    assert "HP-0012341" not in page and "HP-0*****1" in page
    client.force_login(regulator_user())
    page = client.get(f"/agencies/{target.pk}/").content.decode()
    assert target.contact_phone in page and "HP-0012341" in page
