"""Registration papers (营业执照, 资质证书): upload by page and API, refusals by content, nothing
half-saved, who may see them, the reminders (docs/design.md, "Registration papers")."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Paper
from agencies.selectors.papers import papers_expiring
from agencies.services import papers as paper_services
from agencies.services.papers import PaperInput, paper_dates_set, paper_upload, paper_withdraw
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from marketplace.views.media import public_media
from tests.factories import bidding as bf
from tests.factories.agencies import (
    QualificationFactory,
    agency,
    agency_user,
    jpeg_bytes,
    paper,
    pdf_bytes,
    png_bytes,
)
from tests.factories.core import approval_user, purchaser_user, regulator_user
from tests.marketplace.test_translations import _check_chinese

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "papers"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def licence_input(**overrides) -> PaperInput:
    fields = {"kind": Paper.Kind.BUSINESS_LICENCE, "title": "营业执照（副本）",
              "number": "91420100MA4K000000", "authority": "武汉市市场监督管理局",
              "issued_on": dt.date(2020, 5, 1), "expires_on": None}
    fields.update(overrides)
    return PaperInput(**fields)


def upload(owner, content: bytes, name: str = "licence.pdf", **overrides) -> Paper:
    return paper_upload(actor=agency_user(owner), agency=owner, paper=licence_input(**overrides),
                        upload=SimpleUploadedFile(name, content))


# --- the service: accepted by content, refused with a clear message -----------------------------

def test_a_pdf_licence_is_stored_privately_with_its_hash_and_audited():
    owner = agency()
    content = pdf_bytes()
    stored = upload(owner, content, name="营业执照.pdf")
    assert stored.content_type == "application/pdf" and stored.size == len(content)
    assert stored.original_name == "营业执照.pdf" and stored.expires_on is None
    assert stored.file.name.startswith(f"papers/{owner.pk}/") and stored.file.name.endswith(".pdf")
    assert "营业执照" not in stored.file.name  # the stored name says nothing about the paper
    assert stored_files() == [Path(stored.file.path)]
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    event = AuditEvent.objects.filter(action="agency.paper_uploaded").get()
    assert event.data["sha256"] == stored.sha256 and event.data["paper"] == stored.pk


@pytest.mark.parametrize("content, expected", [(png_bytes, "image/png"),
                                               (jpeg_bytes, "image/jpeg")])
def test_png_and_jpeg_scans_are_recognised_by_their_content(content, expected):
    stored = upload(agency(), content(), name="scan.pdf")  # the name does not decide
    assert stored.content_type == expected
    assert stored.file.name.endswith(".png" if expected == "image/png" else ".jpg")


@pytest.mark.parametrize("content, words", [
    (b"", "The file is empty."),
    (b"<html><script>alert(1)</script></html>", "Only PDF、PNG、JPEG files are accepted"),
    (b"GIF89a" + b"\0" * 100, "Only PDF、PNG、JPEG files are accepted"),
    (b"%PDF-1.7\n1 0 obj\n", "The PDF file is incomplete"),
    (png_bytes()[:60], "The image cannot be read"),
    (png_bytes(50, 40), "each side must be between 200 and 10000 pixels"),
])
def test_a_wrong_file_is_refused_naming_the_rule_and_leaves_nothing(content, words):
    owner = agency()
    with pytest.raises(ValidationFailed, match=words.replace("(", r"\(")) as caught:
        upload(owner, content, name="licence.pdf")
    assert caught.value.fields.keys() == {"file"}
    assert not Paper.objects.exists() and stored_files() == []
    assert not AuditEvent.objects.filter(action="agency.paper_uploaded").exists()


def test_a_file_over_the_limit_is_refused_naming_the_limit(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "PAPER_MAX_BYTES": 2048}
    with pytest.raises(ValidationFailed, match="larger than the limit of 2.0") as caught:
        upload(agency(), pdf_bytes() + b"\n" * 4096)
    assert caught.value.code == "too_large"
    assert not Paper.objects.exists() and stored_files() == []


def test_a_type_taken_off_the_accepted_list_is_refused(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "PAPER_TYPES": ("application/pdf",)}
    with pytest.raises(ValidationFailed, match="Only PDF files are accepted"):
        upload(agency(), png_bytes(), name="licence.png")


def test_a_failure_after_the_file_was_written_removes_the_file(monkeypatch):
    owner = agency()

    def broken(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(paper_services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        upload(owner, pdf_bytes())
    assert not Paper.objects.exists() and stored_files() == []


def test_only_a_licence_may_be_long_term_and_dates_must_be_in_order():
    owner = agency()
    with pytest.raises(ValidationFailed, match="only a business licence may be long-term"):
        upload(owner, pdf_bytes(), kind=Paper.Kind.QUALIFICATION, title="测绘资质证书")
    with pytest.raises(ValidationFailed, match="cannot expire before it was issued"):
        upload(owner, pdf_bytes(), expires_on=dt.date(2019, 1, 1))
    assert stored_files() == []


def test_a_certificate_proves_only_a_qualification_of_its_own_agency():
    owner, other = agency(), agency()
    foreign = QualificationFactory(agency=other)
    with pytest.raises(ValidationFailed, match="No such qualification on this profile"):
        upload(owner, pdf_bytes(), kind=Paper.Kind.QUALIFICATION, title="测绘资质证书",
               expires_on=dt.date(2030, 1, 1), qualification_id=foreign.pk)
    own = QualificationFactory(agency=owner)
    with pytest.raises(ValidationFailed, match="Only a qualification certificate"):
        upload(owner, pdf_bytes(), qualification_id=own.pk)


def test_only_the_agency_itself_uploads_changes_dates_and_withdraws():
    owner = agency()
    for outsider in (regulator_user(), purchaser_user(), agency_user(agency())):
        with pytest.raises(NotAllowed):
            paper_upload(actor=outsider, agency=owner, paper=licence_input(),
                         upload=SimpleUploadedFile("a.pdf", pdf_bytes()))
    stored = paper(owner)
    with pytest.raises(NotAllowed):
        paper_withdraw(actor=regulator_user(), agency=owner, paper_id=stored.pk)
    assert stored_files() == [Path(stored.file.path)]


def test_changing_dates_is_audited_with_before_and_after():
    owner = agency()
    stored = paper(owner, kind=Paper.Kind.QUALIFICATION, title="测绘资质证书",
                   expires_on=dt.date(2026, 12, 31))
    paper_dates_set(actor=agency_user(owner), agency=owner, paper_id=stored.pk,
                    issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2029, 12, 31))
    stored.refresh_from_db()
    assert stored.expires_on == dt.date(2029, 12, 31)
    event = AuditEvent.objects.filter(action="agency.paper_dates_changed").get()
    assert event.data["before"]["expires_on"] == "2026-12-31"
    assert event.data["after"]["expires_on"] == "2029-12-31"
    with pytest.raises(ValidationFailed, match="only a business licence may be long-term"):
        paper_dates_set(actor=agency_user(owner), agency=owner, paper_id=stored.pk,
                        issued_on=None, expires_on=None)


def test_withdrawing_keeps_the_row_and_the_trail_and_deletes_the_file_after_commit(
        django_capture_on_commit_callbacks):
    owner = agency()
    stored = paper(owner)
    path = Path(stored.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        paper_withdraw(actor=agency_user(owner), agency=owner, paper_id=stored.pk)
    stored.refresh_from_db()
    assert stored.withdrawn and stored.withdrawn_at and stored.sha256
    assert not path.exists()
    assert AuditEvent.objects.filter(action="agency.paper_withdrawn",
                                     data__sha256=stored.sha256).exists()
    with pytest.raises(Conflict, match="withdrawn"):
        paper_withdraw(actor=agency_user(owner), agency=owner, paper_id=stored.pk)


# --- reminders ----------------------------------------------------------------------------------

def test_papers_expiring_lists_those_due_within_the_window_soonest_first():
    owner = agency()
    today = TODAY()
    soon = paper(owner, kind=Paper.Kind.OTHER, title="安全许可", expires_on=today + dt.timedelta(5))
    later = paper(owner, kind=Paper.Kind.OTHER, title="备案", expires_on=today + dt.timedelta(29))
    paper(owner, kind=Paper.Kind.OTHER, title="远期", expires_on=today + dt.timedelta(200))
    paper(owner, kind=Paper.Kind.OTHER, title="已过期", expires_on=today - dt.timedelta(1))
    paper(owner, title="长期营业执照")
    assert list(papers_expiring()) == [soon, later]
    assert list(papers_expiring(days=7)) == [soon]
    assert soon.expiry_state(today) == "expiring"
    assert Paper.objects.get(title="已过期").expiry_state(today) == "expired"
    assert Paper.objects.get(title="远期").expiry_state(today) == "valid"


# --- who sees them ------------------------------------------------------------------------------

@pytest.fixture
def papered():
    """An agency with a licence, signed up for one purchaser's project."""
    project = bf.project()
    owner = bf.bidding_agency(project)
    bf.signup(project=project, agency=owner)
    return owner, paper(owner, content=pdf_bytes(), name="营业执照.pdf"), project


def viewers(owner, project) -> dict:
    cancelled_project = bf.project()
    cancelled = bf.signup(project=cancelled_project, agency=owner)
    cancelled.status = "cancelled"
    cancelled.save(update_fields=["status"])
    return {
        "own member": (agency_user(owner), True),
        "regulator": (regulator_user(), True),
        "purchaser with a sign-up": (project.created_by, True),
        "purchaser without a sign-up": (purchaser_user(), False),
        "purchaser of a cancelled sign-up": (cancelled_project.created_by, False),
        "other agency": (agency_user(agency()), False),
        "approval department": (approval_user(), False),
    }


def test_the_file_is_sent_only_to_those_allowed_with_safe_headers(client, papered):
    owner, stored, project = papered
    url = f"/agencies/{owner.pk}/papers/{stored.pk}/file/"
    assert client.get(url).status_code == 302  # anonymous: sign in first
    for who, (user, allowed) in viewers(owner, project).items():
        client.force_login(user)
        response = client.get(url)
        if not allowed:
            assert response.status_code == 404, who
            continue
        assert response.status_code == 200, who
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
        assert "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == stored.file.open("rb").read()


def test_the_papers_page_is_for_those_allowed(client, papered):
    owner, stored, project = papered
    url = f"/agencies/{owner.pk}/papers/"
    for who, (user, allowed) in viewers(owner, project).items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), who
        assert (stored.title.encode() in response.content) == allowed, who
    client.logout()
    public = client.get(f"/agencies/{owner.pk}/")
    assert stored.title.encode() not in public.content  # never on the public profile


def test_the_api_lists_and_sends_papers_only_to_those_allowed(papered):
    owner, stored, project = papered
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/agencies/{owner.pk}/papers/").status_code == 401
    for who, (user, allowed) in viewers(owner, project).items():
        api = APIClient()
        api.force_authenticate(user)
        listed = api.get(f"/api/v1/agencies/{owner.pk}/papers/")
        fetched = api.get(f"/api/v1/agencies/{owner.pk}/papers/{stored.pk}/file/")
        assert listed.status_code == (200 if allowed else 403), who
        assert fetched.status_code == (200 if allowed else 403), who
        if allowed:
            assert [p["id"] for p in listed.json()] == [stored.pk]
            assert listed.json()[0]["file_url"] == f"/api/v1/agencies/{owner.pk}/papers/{stored.pk}/file/"
            assert fetched["X-Content-Type-Options"] == "nosniff"


def test_a_withdrawn_paper_is_no_longer_sent(client, papered):
    owner, stored, _project = papered
    paper_withdraw(actor=agency_user(owner), agency=owner, paper_id=stored.pk)
    client.force_login(regulator_user())
    assert client.get(f"/agencies/{owner.pk}/papers/{stored.pk}/file/").status_code == 404


def test_development_media_serving_never_sends_papers(rf, papered):
    _owner, stored, _project = papered
    for spelling in (stored.file.name, f"./{stored.file.name}", f"x/../{stored.file.name}",
                     f"/{stored.file.name}", stored.file.name.replace("/", "\\")):
        with pytest.raises(Http404):
            public_media(rf.get("/media/"), spelling)


# --- pages --------------------------------------------------------------------------------------

def page_post(owner, content: bytes, name: str, **fields):
    data = {"kind": "business_licence", "title": "营业执照", "number": "", "authority": "",
            "issued_on": "", "expires_on": "", "qualification": "",
            "file": SimpleUploadedFile(name, content)}
    data.update(fields)
    return data


@pytest.mark.parametrize("make, name, kind", [(pdf_bytes, "执照.pdf", "application/pdf"),
                                              (png_bytes, "执照.png", "image/png")])
def test_the_agency_uploads_through_its_page(client, make, name, kind):
    owner = agency()
    client.force_login(agency_user(owner))
    response = client.post(f"/agencies/{owner.pk}/papers/", page_post(owner, make(), name))
    assert response.status_code == 302
    stored = Paper.objects.get()
    assert stored.content_type == kind and stored.original_name == name
    page = client.get(f"/agencies/{owner.pk}/papers/")
    assert "营业执照".encode() in page.content and b"enctype=\"multipart/form-data\"" in page.content


def test_my_agency_shows_papers_the_upload_form_and_reminders(client):
    owner = agency()
    paper(owner, kind=Paper.Kind.OTHER, title="安全生产许可证",
          expires_on=TODAY() + dt.timedelta(days=10))
    client.force_login(agency_user(owner))
    response = client.get("/agencies/mine/", follow=True)
    html = response.content.decode()
    assert 'id="papers"' in html and 'id="paper-upload"' in html
    assert 'id="papers-expiring"' in html and "安全生产许可证" in html


def test_a_wrong_file_on_the_page_is_a_form_error_and_leaves_nothing(client):
    owner = agency()
    client.force_login(agency_user(owner))
    response = client.post(f"/agencies/{owner.pk}/papers/",
                           page_post(owner, b"<html></html>", "执照.pdf"),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "has-error" in response.content.decode()
    assert not Paper.objects.exists() and stored_files() == []


def test_an_oversized_body_on_the_page_is_refused_before_it_is_read(client, settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "PAPER_MAX_BYTES": 1024}
    owner = agency()
    client.force_login(agency_user(owner))
    response = client.post(f"/agencies/{owner.pk}/papers/",
                           page_post(owner, pdf_bytes() + b"\0" * 100_000, "big.pdf"),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "larger than the limit of 1.0" in response.content.decode()
    assert not Paper.objects.exists() and stored_files() == []


def test_the_regulator_workspace_lists_papers_expiring_soon(client):
    owner = agency(name="即将到期测试机构有限公司")
    paper(owner, kind=Paper.Kind.OTHER, title="资信证明", expires_on=TODAY() + dt.timedelta(3))
    client.force_login(regulator_user())
    html = client.get("/regulator/").content.decode()
    assert 'id="papers-expiring"' in html and "即将到期测试机构有限公司" in html
    assert f"/agencies/{owner.pk}/papers/" in html


# --- API ------------------------------------------------------------------------------------

def api_of(owner) -> APIClient:
    api = APIClient()
    api.force_authenticate(agency_user(owner))
    return api


def api_upload(api, content: bytes, name: str = "licence.pdf", **fields):
    data = {"kind": "business_licence", "title": "营业执照", "file": SimpleUploadedFile(name, content)}
    data.update(fields)
    return api.post("/api/v1/agencies/mine/papers/", data, format="multipart",
                    HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("make, kind", [(pdf_bytes, "application/pdf"), (png_bytes, "image/png")])
def test_the_agency_uploads_through_the_api(make, kind):
    owner = agency()
    api = api_of(owner)
    response = api_upload(api, make())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == kind and body["expiry_state"] == "valid"
    assert [p["id"] for p in api.get("/api/v1/agencies/mine/papers/").json()] == [body["id"]]


@pytest.mark.parametrize("content, code", [(b"", "empty"), (b"MZ\x90\x00not a pdf", "wrong_type"),
                                           (png_bytes(20, 20), "bad_dimensions")])
def test_the_api_refuses_a_wrong_file_with_a_4xx_message(content, code):
    response = api_upload(api_of(agency()), content)
    assert response.status_code == 400
    assert response.json()["code"] == code and "file" in response.json()["errors"]
    assert not Paper.objects.exists() and stored_files() == []


def test_the_api_refuses_too_many_bytes_in_a_multipart_before_parsing(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "PAPER_MAX_BYTES": 1024}
    response = api_upload(api_of(agency()), pdf_bytes() + b"\0" * 200_000)
    assert response.status_code == 400
    assert response.json()["code"] == "too_large"
    assert "1.0" in response.json()["detail"]
    assert not Paper.objects.exists() and stored_files() == []


def test_the_upload_endpoint_takes_multipart_only_and_only_for_an_agency():
    api = api_of(agency())
    assert api.post("/api/v1/agencies/mine/papers/", {"kind": "other"},
                    format="json").status_code == 415
    purchaser = APIClient()
    purchaser.force_authenticate(purchaser_user())
    assert api_upload(purchaser, pdf_bytes()).status_code == 403


def test_the_api_changes_dates_and_withdraws_only_the_agencys_own_paper():
    owner, other = agency(), agency()
    stored = paper(owner, kind=Paper.Kind.QUALIFICATION, title="资质证书",
                   expires_on=dt.date(2027, 1, 1))
    api = api_of(owner)
    url = f"/api/v1/agencies/mine/papers/{stored.pk}/"
    changed = api.patch(url, {"expires_on": "2031-06-30"}, format="json")
    assert changed.status_code == 200 and changed.json()["expires_on"] == "2031-06-30"
    assert api_of(other).delete(url).status_code == 404
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    assert Paper.objects.get().withdrawn


def test_the_schema_documents_the_multipart_upload(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    upload_op = schema["paths"]["/api/v1/agencies/mine/papers/"]["post"]
    assert list(upload_op["requestBody"]["content"]) == ["multipart/form-data"]
    ref = upload_op["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert fields["file"]["format"] == "binary"
    assert {"400", "401", "403"} <= set(upload_op["responses"])
    assert "delete" in schema["paths"]["/api/v1/agencies/mine/papers/{paper_id}/"]
    assert "get" in schema["paths"]["/api/v1/agencies/{id}/papers/{paper_id}/file/"]


def test_the_papers_pages_render_entirely_in_chinese(client, papered):
    owner, _stored, project = papered
    paper(owner, kind=Paper.Kind.OTHER, title="资信证明", expires_on=TODAY() + dt.timedelta(3),
          name="资信证明.png")
    for user in (agency_user(owner), regulator_user(), project.created_by):
        client.force_login(user)
        for url in (f"/agencies/{owner.pk}/papers/", f"/agencies/{owner.pk}/"):
            _check_chinese(client, url)


def test_the_purchaser_finds_the_winners_papers_from_the_award_notice(client):
    from tests.factories.awards import made_award

    award = made_award()
    client.force_login(award.project.created_by)
    page = client.get(f"/awards/{award.pk}/").content.decode()
    assert f"/agencies/{award.agency_id}/papers/" in page
    client.logout()
    assert f"/agencies/{award.agency_id}/papers/" not in client.get(
        f"/awards/{award.pk}/").content.decode()
