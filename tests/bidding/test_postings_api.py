"""Postings API: /api/v1/projects/ and its actions; errors are JSON 4xx with detail."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from bidding.models import Project, SignUp
from bidding.rules import earliest_signup_deadline
from tests.factories import bidding as bf
from tests.factories.agencies import service_item, statutory_qualification

pytestmark = pytest.mark.django_db

Status = Project.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _user_of(agency):
    return agency.organisation.members.get().user


def _payload(item, **over):
    deadline = earliest_signup_deadline() + dt.timedelta(hours=3)
    data = {
        "item": item.pk, "title": "某片区控制性详细规划环评", "content": "编制规划环境影响报告书",
        "investment_code": "2611-420100-04-01-000077", "service_days": 40,
        "method": "random_draw", "amount": "80000.00",
        "signup_deadline": deadline.isoformat(),
        "selection_at": (deadline + dt.timedelta(days=1)).isoformat(),
        "enquiry_phone": "027-11112222", "complaint_phone": "027-33334444",
        "qualifications": [],
    }
    data.update(over)
    return data


def test_anyone_lists_public_projects_with_filters():
    hit = bf.project(method=Project.Method.RANDOM_DRAW)
    bf.project(method=Project.Method.LIVE_BIDDING)
    bf.draft(method=Project.Method.RANDOM_DRAW)
    body = _client().get("/api/v1/projects/", {"method": "random_draw"}).json()
    assert [p["id"] for p in body["results"]] == [hit.pk]
    assert body["results"][0]["signup_count"] is None  # confidential while sign-up is open


def test_a_purchaser_creates_then_publishes_a_draft():
    owner = bf.purchaser()
    client = _client(owner)
    item = service_item("建设工程地形图测绘")
    entry = statutory_qualification(item)
    response = client.post("/api/v1/projects/", _payload(
        item, qualifications=[{"entry": entry.pk}]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["qualifications"][0] == {
        "entry": entry.pk, "name": "测绘资质", "grade": "乙级",
        "legal_basis": "《中华人民共和国测绘法》第二十七条", "authority": entry.authority}
    response = client.post(f"/api/v1/projects/{body['id']}/publish/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"


def test_a_rule_refusal_is_json_400_with_reasons_by_field():
    owner = bf.purchaser()
    client = _client(owner)
    created = client.post("/api/v1/projects/", _payload(
        service_item(), other_requirements="须在本市注册",
        qualifications=[{"name": "测绘资质", "legal_basis": ""}]), format="json").json()
    response = client.post(f"/api/v1/projects/{created['id']}/publish/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rule_refused" and body["detail"]
    assert "须在本市注册" in body["errors"]["other_requirements"][0]
    assert "qualifications" in body["errors"]


def test_an_anonymous_post_is_refused_with_json():
    response = _client().post("/api/v1/projects/", _payload(service_item()), format="json")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_an_agency_cannot_create_a_project():
    agency = bf.bidding_agency(item=service_item())
    response = _client(_user_of(agency)).post("/api/v1/projects/", _payload(service_item()),
                                              format="json")
    assert response.status_code == 403 and response.json()["detail"]


def test_bad_input_is_a_400_never_a_500():
    client = _client(bf.purchaser())
    for payload in ({"item": "x"}, {"item": 999999, "title": "a"}, [], "garbage",
                    _payload(service_item(), signup_deadline="tomorrow")):
        response = client.post("/api/v1/projects/", payload, format="json")
        assert response.status_code == 400, payload
        assert response.json()["detail"]


def test_detail_of_a_missing_project_or_a_foreign_draft_is_404():
    assert _client().get("/api/v1/projects/987654/").status_code == 404
    draft = bf.draft()
    assert _client().get(f"/api/v1/projects/{draft.pk}/").status_code == 404
    assert _client(draft.created_by).get(f"/api/v1/projects/{draft.pk}/").status_code == 200


def test_detail_never_contains_the_draw_seed():
    project, _signups = bf.selecting(method=Project.Method.RANDOM_DRAW)
    body = _client().get(f"/api/v1/projects/{project.pk}/").json()
    assert body["draw_commitment"] == project.draw_commitment
    assert project.draw_seed not in str(body)


def test_patch_changes_a_draft_only():
    draft = bf.draft()
    client = _client(draft.created_by)
    response = client.patch(f"/api/v1/projects/{draft.pk}/", {"title": "新的名称"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "新的名称"
    published = bf.project(owner=draft.created_by)
    response = client.patch(f"/api/v1/projects/{published.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409


def test_withdraw_needs_a_reason_and_the_owner():
    project = bf.project()
    assert _client(bf.purchaser()).post(f"/api/v1/projects/{project.pk}/withdraw/",
                                        {"reason": "不是我的项目"}, format="json").status_code == 403
    client = _client(project.created_by)
    assert client.post(f"/api/v1/projects/{project.pk}/withdraw/", {"reason": ""},
                       format="json").status_code == 400
    response = client.post(f"/api/v1/projects/{project.pk}/withdraw/",
                           {"reason": "上级批复调整"}, format="json")
    assert response.status_code == 200
    assert response.json()["status_reason"] == "上级批复调整"


def test_an_agency_signs_up_and_cancels_over_the_api():
    project = bf.project()
    agency = bf.bidding_agency(project, region_code="650000")
    client = _client(_user_of(agency))
    assert client.get(f"/api/v1/projects/{project.pk}/signups/").json()["problems"] == []
    response = client.post(f"/api/v1/projects/{project.pk}/signups/", {}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "active"
    assert client.post(f"/api/v1/projects/{project.pk}/signups/", {},
                       format="json").status_code == 409
    response = client.delete(f"/api/v1/projects/{project.pk}/signups/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert client.delete(f"/api/v1/projects/{project.pk}/signups/").status_code == 404


def test_an_ineligible_sign_up_is_403_with_the_reason():
    project = bf.project()
    agency = bf.bidding_agency(project)
    Agency.objects.filter(pk=agency.pk).update(standing=Agency.Standing.EXPELLED)
    response = _client(_user_of(agency)).post(f"/api/v1/projects/{project.pk}/signups/", {},
                                              format="json")
    assert response.status_code == 403
    assert "expelled" in response.json()["detail"]
    assert not SignUp.objects.exists()


def test_sign_up_after_the_deadline_is_409():
    project = bf.project(signup_deadline=timezone.now() - dt.timedelta(seconds=1))
    agency = bf.bidding_agency(project)
    response = _client(_user_of(agency)).post(f"/api/v1/projects/{project.pk}/signups/", {},
                                              format="json")
    assert response.status_code == 409
