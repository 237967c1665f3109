"""Public credit pages, CSV exports, regulator actions on pages and the credit API."""
import pytest
from rest_framework.test import APIClient

from credit.models import CreditEvent, Sanction
from credit.services.ledger import credit_event_void
from tests.factories.agencies import agency as make_agency
from tests.factories.core import PASSWORD, purchaser_user, regulator_user
from tests.factories.credit import Kind, Source, event, rating, suspended_agency

pytestmark = pytest.mark.django_db


def test_credit_list_filters_by_grade_and_exports_csv(client):
    _good, bad = make_agency(name="优良评估有限公司"), make_agency(name="失信咨询有限公司")
    for _ in range(3):
        event(bad, Kind.OBJECTION_UPHELD)
    page = client.get("/credit/?grade=D")
    assert page.status_code == 200
    assert "失信咨询有限公司" in page.content.decode() and "优良评估有限公司" not in page.content.decode()
    csv = client.get("/credit/?format=csv")
    body = b"".join(csv.streaming_content).decode("utf-8")
    assert csv["Content-Type"].startswith("text/csv")
    assert "优良评估有限公司" in body and "失信咨询有限公司" in body


def test_credit_list_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        make_agency()
    with django_assert_max_num_queries(8):
        assert client.get("/credit/").status_code == 200


def test_explanation_page_lists_every_event_with_its_contribution_and_strikes_voided(client):
    agency = make_agency()
    late = event(agency, Kind.DELIVERY_LATE, reason="超期提交")
    bad = rating(agency, 1, reason="差评")
    credit_event_void(actor=regulator_user(), event=bad, reason="评价人身份存疑")
    page = client.get(f"/credit/agencies/{agency.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "超期提交" in html and "-3.00" in html
    assert 'class="voided"' in html and "评价人身份存疑" in html
    assert html.index(f'id="event-{bad.pk}"') < html.index(f'id="event-{late.pk}"')  # newest first


def test_model_page_documents_the_version_and_weights(client):
    html = client.get("/credit/model/").content.decode()
    assert "2026.1" in html and "0.60" in html and "0.40" in html


def test_sanctions_page_lists_current_sanctions_and_csv(client):
    agency = suspended_agency(name="暂停测试有限公司")
    html = client.get("/credit/sanctions/").content.decode()
    assert "暂停测试有限公司" in html
    body = b"".join(client.get("/credit/sanctions/?format=csv").streaming_content).decode()
    assert "暂停测试有限公司" in body
    sanction = Sanction.objects.get(agency=agency)
    assert client.get(f"/credit/sanctions/{sanction.pk}/").status_code == 200


def test_regulator_confirms_a_proposed_expulsion_on_the_page(client):
    agency = make_agency()
    event(agency, Kind.REGISTRATION_FRAUD, source=Source.OPERATOR, reason="虚假材料")
    sanction = Sanction.objects.get(agency=agency, kind="expulsion")
    regulator = regulator_user()
    client.login(username=regulator.username, password=PASSWORD)
    page = client.get(f"/credit/sanctions/{sanction.pk}/")
    assert 'id="confirm-sanction"' in page.content.decode()
    client.post(f"/credit/sanctions/{sanction.pk}/confirm/")
    sanction.refresh_from_db()
    agency.refresh_from_db()
    assert sanction.status == "active" and agency.standing == "expelled"


def test_a_purchaser_cannot_confirm_and_sees_the_reason(client):
    agency = make_agency()
    event(agency, Kind.REGISTRATION_FRAUD, source=Source.OPERATOR)
    sanction = Sanction.objects.get(agency=agency, kind="expulsion")
    user = purchaser_user()
    client.login(username=user.username, password=PASSWORD)
    response = client.post(f"/credit/sanctions/{sanction.pk}/confirm/", follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    sanction.refresh_from_db()
    assert sanction.status == "proposed"


def test_regulator_voids_an_event_and_imposes_a_sanction_on_the_agency_page(client):
    agency = make_agency()
    bad = rating(agency, 1)
    regulator = regulator_user()
    client.login(username=regulator.username, password=PASSWORD)
    client.post(f"/credit/agencies/{agency.pk}/void/", {"event": bad.pk, "reason": "恶意评价"})
    assert CreditEvent.objects.get(pk=bad.pk).voided
    client.post(f"/credit/agencies/{agency.pk}/impose/",
                {"kind": "suspension", "days": "30", "reason": "拒不配合检查"})
    agency.refresh_from_db()
    assert agency.standing == "suspended"
    bogus = client.post(f"/credit/agencies/{agency.pk}/void/", {"event": "abc", "reason": "x"})
    assert bogus.status_code == 404


def test_api_agency_credit_returns_score_and_events_with_contributions():
    agency = make_agency()
    event(agency, Kind.DELIVERY_LATE)
    data = APIClient().get(f"/api/v1/agencies/{agency.pk}/credit/").json()
    assert data["score"] == "77.00" and data["grade"] == "C" and data["stars"] == 3
    assert data["standing"] == "good" and data["blocked_reason"] is None
    assert data["events"][0]["kind"] == "delivery_late"
    assert data["events"][0]["contribution"] == -3.0
    assert APIClient().get("/api/v1/agencies/999999/credit/").status_code == 404


def test_api_sanctions_list_and_regulator_post():
    agency = make_agency()
    api = APIClient()
    assert api.post("/api/v1/sanctions/", {"agency": agency.pk, "kind": "warning",
                                           "reason": "x"}).status_code in (401, 403)
    api.force_authenticate(purchaser_user())
    denied = api.post("/api/v1/sanctions/", {"agency": agency.pk, "kind": "warning",
                                             "reason": "x"}, format="json")
    assert denied.status_code == 403 and denied.json()["detail"]
    api.force_authenticate(regulator_user())
    bad = api.post("/api/v1/sanctions/", {"agency": agency.pk, "kind": "nope"}, format="json")
    assert bad.status_code == 400 and bad.json()["detail"]
    made = api.post("/api/v1/sanctions/", {"agency": agency.pk, "kind": "suspension",
                                           "reason": "严重违规", "days": 10}, format="json")
    assert made.status_code == 201 and made.json()["status"] == "active"
    listed = APIClient().get("/api/v1/sanctions/").json()
    assert listed["count"] == 1 and listed["results"][0]["agency"] == agency.pk
    lifted = api.post(f"/api/v1/sanctions/{made.json()['id']}/lift/", {"reason": "整改完成"},
                      format="json")
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    again = api.post(f"/api/v1/sanctions/{made.json()['id']}/lift/", {"reason": "x"},
                     format="json")
    assert again.status_code == 409
