"""The regulator's review of a flagged posting (R3, R4: "除法律法规有特别规定外"; issue 10 item
3): request → a regulator approves → the posting publishes with exactly the reviewed phrases;
refused → still refused; an edit of the reviewed text voids the approval; only regulators decide;
the decision shows on the posting page and in the project API."""
import pytest
from django.urls import reverse

from bidding.models import PostingReview, Project
from bidding.services.postings import project_publish, project_update
from bidding.services.reviews import posting_review_decide, posting_review_request
from core.audit import AuditEvent
from core.errors import Conflict, NotAllowed, ValidationFailed
from tests.bidding.test_postings_api import _client
from tests.bidding.test_postings_views import _login, _post_data
from tests.bidding.test_rules import _valid
from tests.factories import bidding as bf
from tests.factories.agencies import agency_user, service_item, statutory_qualification
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db
Status = PostingReview.Status
PHRASE = "承担单位须在项目所在地设立分支机构"
ARTICLE = "《某省重大危险源安全监管条例》第十二条"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _flagged(**fields):
    fields.setdefault("other_requirements", PHRASE)
    return _valid(**fields)


def _approved(project, regulator=None):
    review = posting_review_request(actor=project.created_by, project=project,
                                    legal_basis=ARTICLE, explanation="该条例要求属地应急值守")
    return posting_review_decide(actor=regulator or regulator_user(), review=review,
                                 approve=True, reason="该条例确有规定，限于本项目")


def test_request_records_the_flagged_phrase_and_keeps_the_posting_unpublished():
    project = _flagged()
    review = posting_review_request(actor=project.created_by, project=project,
                                    legal_basis=ARTICLE)
    assert review.status == Status.PENDING
    assert [(f["field"], f["phrase"]) for f in review.flagged] == [
        ("other_requirements", PHRASE)]
    assert review.snapshot == {"other_requirements": PHRASE}
    with pytest.raises(Conflict, match="under the regulator's review"):
        project_publish(actor=project.created_by, project=project)
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT
    assert AuditEvent.objects.filter(action="posting_review.requested",
                                     object_id=str(review.pk)).exists()
    with pytest.raises(Conflict):
        posting_review_request(actor=project.created_by, project=project, legal_basis=ARTICLE)


def test_an_approval_lets_exactly_the_reviewed_phrase_through():
    project = _flagged()
    _approved(project)
    published = project_publish(actor=project.created_by, project=project)
    assert published.status == Project.Status.PUBLISHED
    assert published.other_requirements == PHRASE
    event = AuditEvent.objects.filter(action="project.published").get()
    assert event.data["review"] == project.reviews.get().pk
    assert AuditEvent.objects.filter(action="posting_review.approved").exists()


def test_any_other_flagged_phrase_still_refuses():
    project = _flagged()
    _approved(project)
    project_update(actor=project.created_by, project=project,
                   fields={"content": "编制报告；注册资本不低于500万元"})
    assert project.reviews.get().status == Status.APPROVED  # its field is unchanged
    with pytest.raises(ValidationFailed) as exc:
        project_publish(actor=project.created_by, project=project)
    assert list(exc.value.fields) == ["content"]


def test_an_edit_of_the_approved_text_voids_the_approval():
    project = _flagged()
    _approved(project)
    project_update(actor=project.created_by, project=project,
                   fields={"other_requirements": PHRASE + "，并须有本市业绩"})
    assert project.reviews.get().status == Status.VOIDED
    assert AuditEvent.objects.filter(action="posting_review.voided").exists()
    with pytest.raises(ValidationFailed) as exc:
        project_publish(actor=project.created_by, project=project)
    assert "other_requirements" in exc.value.fields


def test_a_refusal_leaves_the_posting_refused_with_the_public_reason():
    project = _flagged()
    review = posting_review_request(actor=project.created_by, project=project,
                                    legal_basis=ARTICLE)
    posting_review_decide(actor=regulator_user(), review=review, approve=False,
                          reason="所引条款未规定设立分支机构")
    with pytest.raises(ValidationFailed):
        project_publish(actor=project.created_by, project=project)
    review.refresh_from_db()
    assert review.status == Status.REFUSED and "所引条款未规定设立分支机构" in review.statement
    with pytest.raises(Conflict):
        posting_review_decide(actor=regulator_user(), review=review, approve=True,
                              reason="改为同意")


def test_only_regulators_decide():
    project = _flagged()
    review = posting_review_request(actor=project.created_by, project=project,
                                    legal_basis=ARTICLE)
    for user in (project.created_by, agency_user(bf.bidding_agency(project)), bf.purchaser()):
        with pytest.raises(NotAllowed):
            posting_review_decide(actor=user, review=review, approve=True, reason="同意同意")
    with pytest.raises(NotAllowed):
        posting_review_request(actor=bf.purchaser(), project=project, legal_basis=ARTICLE)
    review.refresh_from_db()
    assert review.status == Status.PENDING


@pytest.mark.parametrize("basis", ["依法要求", "按国家有关规定", "《中华人民共和国测绘法》", "第二十七条"])
def test_the_request_must_name_the_law_and_the_article(basis):
    project = _flagged()
    with pytest.raises(ValidationFailed) as exc:
        posting_review_request(actor=project.created_by, project=project, legal_basis=basis)
    assert list(exc.value.fields) == ["legal_basis"]


def test_nothing_reviewable_cannot_be_sent():
    project = _valid()
    with pytest.raises(ValidationFailed, match="Nothing in this posting"):
        posting_review_request(actor=project.created_by, project=project, legal_basis=ARTICLE)
    prize = _valid(qualifications=[{"name": "全国百强咨询企业", "legal_basis": ARTICLE}])
    with pytest.raises(ValidationFailed, match="Nothing in this posting"):
        posting_review_request(actor=prize.created_by, project=prize, legal_basis=ARTICLE)


def test_a_qualification_off_the_list_publishes_once_approved():
    item = service_item("建设工程地形图测绘")
    statutory_qualification(item)
    project = _valid(item=item, qualifications=[
        {"name": "涉密测绘成果保密资格", "grade": "", "legal_basis": "《测绘成果管理条例》第十七条"}])
    with pytest.raises(ValidationFailed):
        project_publish(actor=project.created_by, project=project)
    review = _approved(project)
    assert review.phrases == ["涉密测绘成果保密资格"]
    assert project_publish(actor=project.created_by, project=project).status == \
        Project.Status.PUBLISHED


def test_the_whole_flow_through_the_pages(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    owner = bf.purchaser()
    _login(client, owner)
    response = client.post(reverse("bidding:project-new"), _post_data(
        service_item(), other_requirements=PHRASE))
    assert response.status_code == 400
    project = Project.objects.get()
    page = response.content.decode()
    assert reverse("bidding:project-review-request", args=[project.pk]) in page
    response = client.post(reverse("bidding:project-review-request", args=[project.pk]),
                           {"legal_basis": ARTICLE, "explanation": "属地值守"})
    assert response.status_code == 302
    assert project.reviews.get().status == Status.PENDING

    regulator = regulator_user()
    client.force_login(regulator)
    queue = client.get(reverse("supervision:regulator-posting-reviews")).content.decode()
    assert PHRASE in queue and ARTICLE in queue
    review = project.reviews.get()
    client.post(reverse("supervision:regulator-posting-review-decide", args=[review.pk]),
                {"decision": "approve", "reason": "条例确有规定"})
    review.refresh_from_db()
    assert review.status == Status.APPROVED and review.decided_by == regulator

    client.force_login(owner)
    client.post(reverse("bidding:project-publish", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    client.logout()
    page = client.get(project.get_absolute_url()).content.decode()
    assert f"经监管部门审核同意：“{PHRASE}”，依据{ARTICLE}" in page


def test_the_regulator_page_is_for_regulators_only(client):
    _login(client, bf.purchaser())
    assert client.get(reverse("supervision:regulator-posting-reviews")).status_code == 403


def test_the_whole_flow_through_the_api():
    project = _flagged()
    owner = _client(project.created_by)
    response = owner.post(f"/api/v1/projects/{project.pk}/review/", {"legal_basis": "依法"},
                          format="json")
    assert response.status_code == 400 and "legal_basis" in response.json()["errors"]
    response = owner.post(f"/api/v1/projects/{project.pk}/review/",
                          {"legal_basis": ARTICLE}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    review_id = response.json()["id"]
    assert owner.get("/api/v1/posting-reviews/").status_code == 403
    regulator = _client(regulator_user())
    queue = regulator.get("/api/v1/posting-reviews/").json()
    assert [(r["id"], r["phrases"]) for r in queue] == [(review_id, [PHRASE])]
    assert owner.post(f"/api/v1/posting-reviews/{review_id}/decide/",
                      {"decision": "approve", "reason": "同意同意"}, format="json") \
        .status_code == 403
    response = regulator.post(f"/api/v1/posting-reviews/{review_id}/decide/",
                              {"decision": "approve", "reason": "条例确有规定"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = owner.post(f"/api/v1/projects/{project.pk}/publish/")
    assert response.status_code == 200, response.json()
    detail = _client().get(f"/api/v1/projects/{project.pk}/").json()
    assert detail["review"]["status"] == "approved"
    assert detail["review"]["statement"].startswith(
        f"Approved by the regulator: “{PHRASE}”, relying on {ARTICLE}.")


def test_the_check_view_shows_the_reasons_on_the_saved_draft_and_the_review_button(client):
    project = _flagged(content="编制报告；注册资本不低于500万元")
    client.force_login(project.created_by)
    response = client.get(reverse("bidding:project-edit", args=[project.pk]) + "?check=1")
    assert response.status_code == 200
    assert "注册资本不低于500万元" in response.context["form"].errors["content"][0]
    assert [p["phrase"] for p in response.context["review_flagged"]] == [
        "注册资本不低于500万元", PHRASE]
    assert reverse("bidding:project-review-request", args=[project.pk]) in \
        response.content.decode()


def test_only_the_regulator_of_the_postings_region_decides_and_sees_it():
    from core.models import Region
    from supervision.selectors.workspace import jurisdiction_of

    project = _flagged()  # located in 湖北省 (the factory's region)
    review = posting_review_request(actor=project.created_by, project=project,
                                    legal_basis=ARTICLE)
    hunan, _created = Region.objects.get_or_create(code="430000", defaults={"name": "湖南省"})
    elsewhere = regulator_user(region=hunan)
    with pytest.raises(NotAllowed):
        posting_review_decide(actor=elsewhere, review=review, approve=True, reason="同意同意同意")
    from bidding.selectors.reviews import review_queue
    assert review not in review_queue(jurisdiction=jurisdiction_of(elsewhere))
    local = regulator_user(region=project.region)
    assert review in review_queue(jurisdiction=jurisdiction_of(local))
    decided = posting_review_decide(actor=local, review=review, approve=True,
                                    reason="该条例确有规定，限于本项目")
    assert decided.status == Status.APPROVED
