"""A project's location at any level of GB/T 2260 through the API, by code (issue 9): posted as
洪山区 (420111), listed with its code, found by the province, the city and the district, and an
abolished or unknown code refused by name with nothing saved."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from bidding.models import Project
from bidding.rules import earliest_signup_deadline
from tests.factories import bidding as bf
from tests.factories.agencies import service_item

pytestmark = pytest.mark.django_db


def _posting(item, **over):
    deadline = earliest_signup_deadline() + dt.timedelta(hours=3)
    data = {
        "item": item.pk, "title": "洪山区某地块环境影响评价", "content": "编制环境影响报告书",
        "investment_code": "2611-420111-04-01-000077", "service_days": 40,
        "method": "random_draw", "amount": "80000.00", "signup_deadline": deadline.isoformat(),
        "selection_at": (deadline + dt.timedelta(days=1)).isoformat(),
        "enquiry_phone": "027-11112222", "complaint_phone": "027-33334444"}
    data.update(over)
    return data


def test_a_posting_is_located_by_district_code_and_found_at_every_level():
    owner = bf.purchaser()
    api = APIClient()
    api.force_authenticate(owner)
    created = api.post("/api/v1/projects/", _posting(service_item(), region="420111"),
                       format="json")
    assert created.status_code == 201, created.json()
    project = Project.objects.get(pk=created.json()["id"])
    assert project.region.code == "420111" and created.json()["region"] == "420111"
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PUBLISHED)
    for code in ("420000", "420100", "420111"):
        ids = [p["id"] for p in APIClient().get("/api/v1/projects/", {"region": code})
               .json()["results"]]
        assert project.pk in ids, code
    assert project.pk not in [p["id"] for p in APIClient().get(
        "/api/v1/projects/", {"region": "430000"}).json()["results"]]


@pytest.mark.parametrize("code, phrase", [("110103", "崇文区"), ("999999", "999999")])
def test_an_abolished_or_unknown_code_is_refused_by_name(code, phrase):
    api = APIClient()
    api.force_authenticate(bf.purchaser())
    before = Project.objects.count()
    response = api.post("/api/v1/projects/", _posting(service_item(), region=code),
                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert phrase in " ".join(response.json()["errors"]["region"])
    assert Project.objects.count() == before
