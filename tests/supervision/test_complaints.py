"""Online complaints (投诉举报, issue 10 item 8): filed by any signed-in party through the page
and the API, routed to the regulator of the region with working-day deadlines, decided with a
public outcome; upheld against an agency a credit event (the exit rules count them), against a
posting the posting withdrawn by order."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from bidding.models import Project
from core.audit import audit_verify
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import Region
from core.workdays import working_days_between
from credit.models import CreditEvent
from supervision.models import Complaint
from supervision.services import complaints as svc
from tests.factories import bidding as bf
from tests.factories.agencies import agency_user, pdf_bytes, png_bytes
from tests.factories.core import purchaser_user, regulator_user

pytestmark = pytest.mark.django_db
FACTS = "招标文件要求“须在本市设有分公司”，属于以不合理条件限制、排斥潜在供应商，请求责令修改。"
CONDUCT = "该机构中标后未按合同约定时间派员进场，且多次更换项目负责人，请求依法处理。"


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_an_agency_complains_about_a_posting_through_the_page_and_the_regulator_sees_it():
    project = bf.project()
    complainant = agency_user(bf.bidding_agency(project))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(complainant)
    page = client.get(f"/complaints/new/?project={project.pk}")
    assert page.status_code == 200 and project.title in page.content.decode()
    response = client.post(f"/complaints/new/?project={project.pk}", {
        "subject": "posting", "category": "designation", "project": project.pk, "text": FACTS})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == f"/complaints/{complaint.pk}/"
    assert complaint.region == project.region and complaint.status == Complaint.Status.RECEIVED
    assert working_days_between(complaint.created, complaint.accept_by) == 5
    assert working_days_between(complaint.created, complaint.decide_by) == 30
    # Open: the complainant and the regulator see it, the public does not.
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 200
    assert Client().get(f"/complaints/{complaint.pk}/").status_code == 404
    regulator = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    regulator.force_login(regulator_user())
    queue = regulator.get("/regulator/complaints/").content.decode()
    assert complaint.number in queue and "个工作日" in queue
    csv = regulator.get("/regulator/complaints/?format=csv")
    assert complaint.number in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_bad_complaints_are_refused_on_their_field_and_nothing_is_saved():
    project = bf.project()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(purchaser_user())
    short = client.post("/complaints/new/", {"subject": "posting", "category": "designation",
                                             "project": project.pk, "text": "太短"})
    assert short.status_code == 200 and "至少" in short.content.decode()
    wrong = client.post("/complaints/new/", {"subject": "agency", "category": "designation",
                                             "text": FACTS})
    assert wrong.status_code == 200
    missing = client.post("/complaints/new/", {"subject": "posting", "category": "designation",
                                               "project": 999999, "text": FACTS})
    assert missing.status_code == 200
    assert Complaint.objects.count() == 0
    anonymous = Client().post("/complaints/new/", {"subject": "posting"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    api = _api(purchaser_user()).post("/api/v1/complaints/", {
        "subject": "selection", "category": "selection", "project": project.pk, "text": FACTS},
        format="json")
    assert api.status_code == 400 and "project" in api.json()["errors"]
    assert _api().post("/api/v1/complaints/", {}, format="json").status_code in (401, 403)
    assert Complaint.objects.count() == 0


def test_a_duplicate_open_complaint_is_refused():
    project = bf.project()
    user = purchaser_user()
    svc.complaint_file(actor=user, subject="posting", category="unfair_terms", text=FACTS,
                       project=project)
    with pytest.raises(Conflict):
        svc.complaint_file(actor=user, subject="posting", category="unfair_terms", text=FACTS,
                           project=project)


def test_upheld_against_an_agency_is_a_credit_event_and_the_outcome_is_public():
    award = bf.live_auction()[0]
    agency = award.signups.first().agency
    complainant = purchaser_user()
    body = _api(complainant).post("/api/v1/complaints/", {
        "subject": "agency", "category": "conduct", "agency": agency.pk, "text": CONDUCT},
        format="json")
    assert body.status_code == 201, body.json()
    pk = body.json()["id"]
    assert body.json()["complainant"] == complainant.member.organisation.name
    regulator = regulator_user()
    # Deciding before accepting is refused; the reasons are needed.
    refused = _api(regulator).post(f"/api/v1/complaints/{pk}/handle/",
                                   {"decision": "uphold", "outcome": "经查属实，予以支持。"},
                                   format="json")
    assert refused.status_code == 409
    assert _api(regulator).post(f"/api/v1/complaints/{pk}/handle/", {"decision": "accept"},
                                format="json").status_code == 200
    assert _api(regulator).post(f"/api/v1/complaints/{pk}/handle/", {"decision": "uphold"},
                                format="json").status_code == 400
    done = _api(regulator).post(f"/api/v1/complaints/{pk}/handle/", {
        "decision": "uphold", "outcome": "经调查，该机构未按合同约定派员进场，投诉成立。"},
        format="json").json()
    assert done["status"] == "upheld" and done["remedy"] == "credit_event"
    event = CreditEvent.objects.get(agency=agency, kind=CreditEvent.Kind.COMPLAINT_UPHELD)
    assert event.ref_type == "supervision.complaint" and event.ref_id == str(pk)
    # Public: the outcome, not who complained.
    public = _api().get(f"/api/v1/complaints/{pk}/").json()
    assert public["outcome"].startswith("经调查") and public["complainant"] is None
    listing = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/complaints/").content.decode()
    assert done["number"] in listing and complainant.member.organisation.name not in listing
    assert audit_verify().ok


def test_upheld_against_a_posting_withdraws_it_by_order():
    project = bf.project()
    complaint = svc.complaint_file(actor=purchaser_user(), subject="posting",
                                   category="designation", text=FACTS, project=project)
    regulator = regulator_user()
    svc.complaint_accept(actor=regulator, complaint=complaint)
    decided = svc.complaint_decide(actor=regulator, complaint=complaint, upheld=True,
                                   outcome="“须在本市设有分公司”属于限制性条件，责令撤回。")
    project.refresh_from_db()
    assert decided.remedy == Complaint.Remedy.POSTING_WITHDRAWN
    assert project.status == Project.Status.WITHDRAWN
    assert complaint.number in project.status_reason
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(project.get_absolute_url()).content.decode()
    assert complaint.number in page


def test_dismissed_or_not_accepted_changes_nothing_else():
    project = bf.project()
    regulator = regulator_user()
    first = svc.complaint_file(actor=purchaser_user(), subject="posting", category="other",
                               text=FACTS, project=project)
    svc.complaint_not_accept(actor=regulator, complaint=first,
                             reason="投诉事项不属于本平台监管范围。")
    second = svc.complaint_file(actor=purchaser_user(), subject="posting", category="other",
                                text=FACTS, project=project)
    svc.complaint_accept(actor=regulator, complaint=second)
    svc.complaint_decide(actor=regulator, complaint=second, upheld=False,
                         outcome="经审查，所列要求有法律依据，投诉不成立。")
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert CreditEvent.objects.filter(kind=CreditEvent.Kind.COMPLAINT_UPHELD).count() == 0


def test_only_the_regulator_of_the_region_handles_it():
    project = bf.project()  # located in 湖北省 (420000)
    complaint = svc.complaint_file(actor=purchaser_user(), subject="posting",
                                   category="designation", text=FACTS, project=project)
    hunan, _new = Region.objects.get_or_create(code="430000", defaults={"name": "湖南省"})
    elsewhere = regulator_user(region=hunan)
    with pytest.raises(NotAllowed):
        svc.complaint_accept(actor=elsewhere, complaint=complaint)
    with pytest.raises(NotAllowed):
        svc.complaint_accept(actor=purchaser_user(), complaint=complaint)
    local = regulator_user(region=project.region)
    assert svc.complaint_accept(actor=local, complaint=complaint).status == "accepted"
    with pytest.raises(ValidationFailed):
        svc.complaint_decide(actor=local, complaint=complaint, upheld=True, outcome="短")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _stored(media):
    root = media / "complaints"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_evidence_is_checked_by_content_private_and_never_half_saved(media):
    project = bf.project()
    complainant = agency_user(bf.bidding_agency(project))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(complainant)
    fields = {"subject": "posting", "category": "designation", "project": project.pk,
              "text": FACTS}
    fake = SimpleUploadedFile("公告截图.pdf", b"<html>not a pdf</html>",
                              content_type="application/pdf")
    refused = client.post("/complaints/new/", {**fields, "attachments": [
        SimpleUploadedFile("ok.pdf", pdf_bytes(), content_type="application/pdf"), fake]})
    assert refused.status_code == 200 and "公告截图.pdf" in refused.content.decode()
    assert Complaint.objects.count() == 0 and _stored(media) == []
    filed = client.post("/complaints/new/", {**fields, "attachments": [
        SimpleUploadedFile("公告截图.png", png_bytes(), content_type="image/png")]})
    assert filed.status_code == 302
    complaint = Complaint.objects.get()
    attachment = complaint.attachments.get()
    assert attachment.content_type == "image/png" and len(_stored(media)) == 1
    url = f"/complaints/{complaint.pk}/files/{attachment.pk}/"
    assert url in client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert client.get(url).status_code == 200
    regulator = Client()
    regulator.force_login(regulator_user())
    response = regulator.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    for outsider in (None, purchaser_user()):
        other = Client()
        if outsider is not None:
            other.force_login(outsider)
        assert other.get(url).status_code == 404
    assert Client().get(f"/media/{attachment.file.name}").status_code == 404
    event = complaint_events(complaint)
    assert event["attachments"][0][3] == attachment.sha256


def complaint_events(complaint):
    from core.audit import event_for
    return event_for(complaint, "complaint.filed").data


def test_evidence_through_the_api_multipart(media):
    agency = bf.bidding_agency(bf.project())
    response = _api(purchaser_user()).post("/api/v1/complaints/", {
        "subject": "agency", "category": "conduct", "agency": agency.pk, "text": CONDUCT,
        "attachments": [SimpleUploadedFile("合同.pdf", pdf_bytes(),
                                           content_type="application/pdf")]},
        format="multipart")
    assert response.status_code == 201, response.json()
    assert Complaint.objects.get().attachments.count() == 1
