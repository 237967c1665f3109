"""What pages can do the API can do (issue 8, "Schema"): rating reply, appeal, void and appeal
decision; the regulator's inspection actions; an agency's qualifications. Each endpoint calls
the page's service, answers with its output serializer and refuses with the error body."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agencies.models import Qualification
from core.models import AuditEvent
from credit.models import CreditEvent, Inspection, InspectionFinding
from ratings.models import Rating, RatingAppeal
from tests.factories import ratings as rf
from tests.factories.agencies import agency, agency_user
from tests.factories.bidding import purchaser
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def assert_error(response, status: int):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"] and body["code"]


# --- ratings ------------------------------------------------------------------------------------

@pytest.fixture
def rating():
    return rf.rating()


def test_the_rated_agency_replies_once_over_the_api(rating):
    api = as_user(rf.agency_user(rating.agency))
    response = api.post(f"/api/v1/ratings/{rating.pk}/reply/", {"text": "感谢评价，我们会继续改进。"},
                        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["text"] == "感谢评价，我们会继续改进。"
    assert rating.__class__.objects.get(pk=rating.pk).reply.text == "感谢评价，我们会继续改进。"
    assert_error(api.post(f"/api/v1/ratings/{rating.pk}/reply/", {"text": "again"},
                          format="json"), 409)


def test_only_the_rated_agency_may_reply_or_appeal(rating):
    other = as_user(purchaser())
    assert_error(other.post(f"/api/v1/ratings/{rating.pk}/reply/", {"text": "x"},
                            format="json"), 403)
    assert_error(other.post(f"/api/v1/ratings/{rating.pk}/appeal/", {"reason": "x"},
                            format="json"), 403)
    assert_error(APIClient().post(f"/api/v1/ratings/{rating.pk}/reply/", {"text": "x"},
                                  format="json"), 401)


def test_an_appeal_filed_over_the_api_is_decided_over_the_api_and_voids_the_rating(rating):
    agency_api = as_user(rf.agency_user(rating.agency))
    filed = agency_api.post(f"/api/v1/ratings/{rating.pk}/appeal/",
                            {"reason": "评分与合同约定的验收标准不符"}, format="json")
    assert filed.status_code == 201, filed.content
    appeal = RatingAppeal.objects.get(pk=filed.json()["id"])
    assert filed.json()["status"] == appeal.status == RatingAppeal.Status.PENDING

    assert_error(agency_api.post(f"/api/v1/rating-appeals/{appeal.pk}/decide/",
                                 {"uphold": True, "decision": "x"}, format="json"), 403)
    regulator = as_user(regulator_user())
    decided = regulator.post(f"/api/v1/rating-appeals/{appeal.pk}/decide/",
                             {"uphold": True, "decision": "申诉理由成立，评价作废。"}, format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == RatingAppeal.Status.UPHELD
    assert Rating.objects.get(pk=rating.pk).status == Rating.Status.VOIDED
    assert_error(regulator.post(f"/api/v1/rating-appeals/{appeal.pk}/decide/",
                                {"uphold": False, "decision": "again"}, format="json"), 409)


def test_a_regulator_voids_a_rating_over_the_api_with_a_public_reason(rating):
    regulator = as_user(regulator_user())
    assert_error(regulator.post(f"/api/v1/ratings/{rating.pk}/void/", {"reason": ""},
                                format="json"), 400)
    response = regulator.post(f"/api/v1/ratings/{rating.pk}/void/",
                              {"reason": "评价人与机构存在利害关系"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Rating.Status.VOIDED
    assert response.json()["voided_reason"] == "评价人与机构存在利害关系"
    assert_error(as_user(rf.agency_user(rating.agency)).post(
        f"/api/v1/ratings/{rating.pk}/void/", {"reason": "x"}, format="json"), 403)


@pytest.mark.parametrize("url", ["/api/v1/ratings/{}/reply/", "/api/v1/ratings/{}/appeal/",
                                 "/api/v1/ratings/{}/void/",
                                 "/api/v1/rating-appeals/{}/decide/"])
@pytest.mark.parametrize("pk", [999999, 2**70])
def test_rating_actions_on_a_missing_object_are_a_404(url, pk):
    assert_error(as_user(regulator_user()).post(url.format(pk), {}, format="json"), 404)


@pytest.mark.parametrize("body", [[1], "text", {"text": 5}, {"text": "x", "extra": 1}])
def test_rating_reply_refuses_a_body_of_the_wrong_shape_with_a_400(rating, body):
    api = as_user(rf.agency_user(rating.agency))
    assert_error(api.post(f"/api/v1/ratings/{rating.pk}/reply/", body, format="json"), 400)


# --- inspections --------------------------------------------------------------------------------

def test_a_regulator_runs_a_whole_inspection_over_the_api():
    regulator = as_user(regulator_user())
    rf.inspectors(3)
    agencies = [agency() for _ in range(4)]
    announced = regulator.post("/api/v1/inspections/announce/", {
        "title": "2026年第二批中介机构双随机抽查", "agency_count": 2, "inspector_count": 2},
        format="json")
    assert announced.status_code == 201, announced.content
    body = announced.json()
    assert body["status"] == Inspection.Status.COMMITTED and body["seed"] is None
    pk = body["id"]
    assert_error(regulator.post(f"/api/v1/inspections/{pk}/publish/"), 409)

    drawn = regulator.post(f"/api/v1/inspections/{pk}/draw/")
    assert drawn.status_code == 200, drawn.content
    assert drawn.json()["status"] == Inspection.Status.DRAWN and drawn.json()["seed"]
    findings = InspectionFinding.objects.filter(inspection_id=pk)
    assert findings.count() == 2
    first, second = findings
    assert_error(regulator.post(f"/api/v1/inspection-findings/{first.pk}/",
                                {"result": "fail"}, format="json"), 400)
    passed = regulator.post(f"/api/v1/inspection-findings/{first.pk}/", {"result": "pass"},
                            format="json")
    assert passed.status_code == 200, passed.content
    assert passed.json()["result"] == "pass"
    regulator.post(f"/api/v1/inspection-findings/{second.pk}/",
                   {"result": "fail", "note": "未按规定公示收费标准"}, format="json")
    assert CreditEvent.objects.filter(agency__in=agencies,
                                      kind__in=["inspection_pass", "inspection_fail"]).count() == 2
    published = regulator.post(f"/api/v1/inspections/{pk}/publish/")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == Inspection.Status.PUBLISHED
    assert len(published.json()["findings"]) == 2


def test_inspection_actions_are_for_regulators_only():
    rf.inspectors(2)
    agency()
    other = as_user(purchaser())
    assert_error(other.post("/api/v1/inspections/announce/", {
        "title": "抽查", "agency_count": 1, "inspector_count": 1}, format="json"), 403)
    assert_error(APIClient().post("/api/v1/inspections/announce/", {}, format="json"), 401)
    assert_error(other.post("/api/v1/inspections/999999/draw/"), 404)


@pytest.mark.parametrize("body,field", [
    ({"title": "抽查", "agency_count": 0, "inspector_count": 1}, "agency_count"),
    ({"title": "抽查", "agency_count": 1, "inspector_count": 2**40}, "inspector_count"),
    ({"title": "抽查", "agency_count": 1, "inspector_count": 1, "item": 2**70}, "item"),
    ({"title": "抽查", "agency_count": 1, "inspector_count": 1, "region": "999999"}, "region"),
    ({"title": "抽查", "agency_count": 1, "inspector_count": 1, "colour": "red"}, "colour"),
])
def test_announcing_refuses_bad_input_by_field(body, field):
    response = as_user(regulator_user()).post("/api/v1/inspections/announce/", body,
                                              format="json")
    assert_error(response, 400)
    assert field in response.json()["errors"]


# --- qualifications -----------------------------------------------------------------------------

QUALIFICATION = {"name": "工程咨询资信", "grade": "甲级", "number": "ZX-2026-001",
                 "authority": "湖北省发展和改革委员会", "valid_until": "2029-06-30"}


def test_an_agency_adds_and_removes_a_qualification_over_the_api():
    listed = agency()
    api = as_user(agency_user(listed))
    added = api.post(f"/api/v1/agencies/{listed.pk}/qualifications/", QUALIFICATION,
                     format="json")
    assert added.status_code == 201, added.content
    qual = Qualification.objects.get(pk=added.json()["id"])
    assert (qual.agency_id, qual.name, qual.grade) == (listed.pk, "工程咨询资信", "甲级")
    assert AuditEvent.objects.filter(action="agency.qualification_added").exists()

    removed = api.delete(f"/api/v1/agencies/{listed.pk}/qualifications/{qual.pk}/")
    assert removed.status_code == 204
    assert not Qualification.objects.filter(pk=qual.pk).exists()
    assert AuditEvent.objects.filter(action="agency.qualification_removed").exists()
    assert_error(api.delete(f"/api/v1/agencies/{listed.pk}/qualifications/{qual.pk}/"), 404)


def test_another_party_cannot_change_an_agencys_qualifications():
    listed, other = agency(), agency()
    qual = listed.qualifications.first() or Qualification.objects.create(
        agency=listed, name="测绘资质")
    api = as_user(agency_user(other))
    assert_error(api.post(f"/api/v1/agencies/{listed.pk}/qualifications/", QUALIFICATION,
                          format="json"), 403)
    assert_error(api.delete(f"/api/v1/agencies/{listed.pk}/qualifications/{qual.pk}/"), 403)
    assert_error(APIClient().post(f"/api/v1/agencies/{listed.pk}/qualifications/",
                                  QUALIFICATION, format="json"), 401)
    assert Qualification.objects.filter(pk=qual.pk).exists()


def test_adding_a_qualification_refuses_bad_input():
    listed = agency()
    api = as_user(agency_user(listed))
    for body in ([1], {"grade": "甲级"}, {**QUALIFICATION, "valid_until": "2029-02-30"}):
        assert_error(api.post(f"/api/v1/agencies/{listed.pk}/qualifications/", body,
                              format="json"), 400)
