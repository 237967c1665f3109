"""Regulator workspace pages: regulator-only access, CSV exports, queues acted on through pages."""
import pytest

from agencies.models import Agency
from core.models import AuditEvent
from credit.models import CreditEvent, Sanction, TieReview
from ratings.services.ratings import rating_appeal
from tests.factories import credit as cf
from tests.factories import ratings as rf
from tests.factories.agencies import agency
from tests.factories.bidding import purchaser
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db

PAGES = ["/regulator/", "/regulator/risks/", "/regulator/objections/", "/regulator/sanctions/",
         "/regulator/ties/", "/regulator/inspections/", "/regulator/appeals/"]


@pytest.fixture
def regulator_client(client):
    client.force_login(regulator_user())
    return client


@pytest.mark.parametrize("url", PAGES)
def test_workspace_pages_are_for_regulators_only(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(purchaser())
    assert client.get(url).status_code == 403
    client.force_login(rf.agency_user(agency()))
    assert client.get(url).status_code == 403
    assert client.get(url + "?format=csv").status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_workspace_pages_render_for_a_regulator(regulator_client, url):
    rf.rating()
    response = regulator_client.get(url)
    assert response.status_code == 200


def test_overview_carries_chart_data_and_the_chart_script(regulator_client):
    html = regulator_client.get("/regulator/").content.decode()
    for chart in ("chart-grades", "chart-monthly", "chart-projects"):
        assert f'id="{chart}"' in html and f'data-source="{chart}"' in html
    assert "js/charts.js" in html


CSV_URLS = PAGES + ["/regulator/risks/?list=complaints", "/regulator/risks/?list=pairs",
                    "/regulator/risks/?list=winners", "/inspections/"]


@pytest.mark.parametrize("url", CSV_URLS)
def test_every_list_exports_csv_in_utf8_with_a_byte_order_mark(regulator_client, url):
    tied = agency(name="某某工程咨询有限公司", gov_tie_declared=True,
                  gov_tie_department="某市住房和城乡建设局")
    Agency.objects.filter(pk=tied.pk).update(gov_tie_declared=True)
    sep = "&" if "?" in url else "?"
    response = regulator_client.get(url + sep + "format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0]           # a header row
    if url == "/regulator/ties/":
        assert "某某工程咨询有限公司" in text and "某市住房和城乡建设局" in text


def test_regulator_confirms_a_proposed_expulsion_from_the_queue(regulator_client):
    a = agency()
    cf.event(a, CreditEvent.Kind.REGISTRATION_FRAUD, source="operator", reason="伪造营业执照")
    sanction = Sanction.objects.get(agency=a, status=Sanction.Status.PROPOSED)
    page = regulator_client.get("/regulator/sanctions/").content.decode()
    assert a.name in page
    regulator_client.post(f"/regulator/sanctions/{sanction.pk}/decide/", {"action": "confirm"})
    sanction.refresh_from_db()
    a.refresh_from_db()
    assert sanction.status == Sanction.Status.ACTIVE
    assert a.standing == Agency.Standing.EXPELLED
    assert a.name not in regulator_client.get("/regulator/sanctions/").content.decode()


def test_rejecting_a_proposed_sanction_needs_a_public_reason(regulator_client):
    a = agency()
    cf.event(a, CreditEvent.Kind.REGISTRATION_FRAUD, source="operator", reason="疑似伪造")
    sanction = Sanction.objects.get(agency=a, status=Sanction.Status.PROPOSED)
    regulator_client.post(f"/regulator/sanctions/{sanction.pk}/decide/", {"action": "reject"})
    sanction.refresh_from_db()
    assert sanction.status == Sanction.Status.PROPOSED
    regulator_client.post(f"/regulator/sanctions/{sanction.pk}/decide/",
                          {"action": "reject", "reason": "经核实营业执照真实有效"})
    sanction.refresh_from_db()
    assert sanction.status == Sanction.Status.REVOKED


def test_tie_review_is_recorded_and_audited(regulator_client):
    a = agency(gov_tie_declared=True, gov_tie_department="某市自然资源和规划局")
    Agency.objects.filter(pk=a.pk).update(gov_tie_declared=True)
    assert a.name in regulator_client.get("/regulator/ties/").content.decode()
    regulator_client.post(f"/regulator/ties/{a.pk}/review/", {"note": "已脱钩，人员已全部清退"})
    review = TieReview.objects.get(agency=a)
    assert review.note == "已脱钩，人员已全部清退"
    assert AuditEvent.objects.filter(action="agency.tie_reviewed", object_id=str(a.pk)).exists()
    assert "已脱钩" in regulator_client.get("/regulator/ties/").content.decode()


def test_regulator_decides_an_appeal_from_the_queue(regulator_client):
    r = rf.rating(quality=1, timeliness=1, attitude=1, fees=1, conduct=1)
    appeal = rating_appeal(actor=rf.agency_user(r.agency), rating=r, reason="恶意差评")
    assert "恶意差评" in regulator_client.get("/regulator/appeals/").content.decode()
    regulator_client.post(f"/regulator/appeals/{appeal.pk}/decide/",
                          {"uphold": "1", "decision": "评价与事实不符"})
    r.refresh_from_db()
    assert r.status == "voided" and r.voided_reason == "评价与事实不符"


def test_inspection_pages_announce_draw_record_and_publish(regulator_client, client):
    rf.inspectors(3)
    agencies = [agency() for _ in range(4)]
    response = regulator_client.post("/regulator/inspections/", {
        "title": "2026年第二批双随机抽查", "agency_count": 2, "inspector_count": 2,
        "source": "industry_department", "grade": ""})
    assert response.status_code == 302
    url = response["Location"]
    regulator_client.post(url, {"action": "draw"})
    from credit.models import Inspection
    insp = Inspection.objects.get()
    for finding in insp.findings.all():
        regulator_client.post(url, {"action": "finding", "finding": finding.pk,
                                    "result": "fail", "note": "未按规定公示收费标准"})
    regulator_client.post(url, {"action": "publish"})
    insp.refresh_from_db()
    assert insp.status == "published"
    assert CreditEvent.objects.filter(kind="inspection_fail").count() == 2
    assert {f.agency for f in insp.findings.all()} <= set(agencies)
    public = client.get("/inspections/").content.decode()
    assert "2026年第二批双随机抽查" in public
