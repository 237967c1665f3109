"""The designation check (R3, R4) through the page and the API: one function
(``bidding/rules.py::posting_problems``) behind both, the refusal on the field the phrase came
from, with the phrase as the user wrote it and the rule."""
import pytest
from django.urls import reverse
from django.utils.html import escape

from bidding.models import Project
from tests.bidding.test_postings_api import _client, _payload
from tests.bidding.test_postings_views import _login, _post_data
from tests.factories import bidding as bf
from tests.factories.agencies import service_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize("field, text", [
    ("title", "某环评项目（須具有本局業績）"),
    ("scale", "注册 资本 不低于 1000 万元"),
    ("content", "编制报告；须在本 市设有分 公司"),
])
def test_the_page_refuses_a_restriction_on_the_field_it_came_from(client, field, text):
    _login(client, bf.purchaser())
    response = client.post(reverse("bidding:project-new"),
                           _post_data(service_item(), **{field: text}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    phrase = text.split("；")[-1] if field == "content" else text
    assert f"“{phrase}”" in errors[field][0]
    assert escape(f"“{phrase}”") in response.content.decode()
    assert Project.objects.get().status == Project.Status.DRAFT


def test_the_page_shows_a_prize_asked_for_as_a_qualification_on_its_row(client):
    _login(client, bf.purchaser())
    response = client.post(reverse("bidding:project-new"), _post_data(
        service_item(), **{"qual-0-name": "省级优秀工程咨询成果奖"}))
    assert response.status_code == 400
    row = response.context["qual_formset"].forms[0]
    assert row.non_field_errors()[0].startswith("“省级优秀工程咨询成果奖” is not a qualification")


@pytest.mark.parametrize("field, text, rule", [
    ("title", "某环评项目：国有企业优先", "R4"),
    ("content", "Must have an office in Wuhan", "R4"),
    ("other_requirements", "须为本局预选库入库单位", "R3"),
])
def test_the_api_refuses_with_the_field_the_phrase_as_written_and_the_rule(field, text, rule):
    client = _client(bf.purchaser())
    created = client.post("/api/v1/projects/", _payload(service_item(), **{field: text}),
                          format="json").json()
    response = client.post(f"/api/v1/projects/{created['id']}/publish/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rule_refused" and list(body["errors"]) == [field]
    message = body["errors"][field][0]
    assert f"“{text}”" in message and f"({rule})" in message


def test_the_api_refuses_a_basis_that_names_no_law():
    client = _client(bf.purchaser())
    created = client.post("/api/v1/projects/", _payload(service_item(), qualifications=[
        {"name": "测绘资质", "grade": "乙级", "legal_basis": "依法要求"}]), format="json").json()
    response = client.post(f"/api/v1/projects/{created['id']}/publish/")
    assert response.status_code == 400
    assert "law or regulation" in response.json()["errors"]["qualifications"][0]
