"""Qualifications from the catalogue (R3, issue 10 item 2): a posting's qualification rows are
picked from the item's list (core.models.StatutoryQualification); an abolished one or a prize
cannot be picked (page and API); one off the item's list is refused on its row unless the
regulator's review approved it (tests/bidding/test_posting_reviews.py); old rows without a link
still read; the demo items carry their real qualifications."""
import datetime as dt

import pytest
from django.urls import reverse

from bidding.models import Project
from bidding.rules import catalogue_for, posting_problems, qualification_problems
from bidding.services.postings import project_create, project_publish
from core.audit import AuditEvent
from core.errors import NotAllowed, ValidationFailed
from core.models import StatutoryQualification
from core.services.qualifications import statutory_qualification_save
from tests.bidding.test_postings_api import _client, _payload
from tests.bidding.test_postings_services import _fields
from tests.bidding.test_postings_views import _login, _post_data
from tests.factories import bidding as bf
from tests.factories.agencies import service_item, statutory_qualification
from tests.factories.core import purchaser_user, regulator_user

pytestmark = pytest.mark.django_db
CONSULTING = "《国务院关于取消一批行政许可事项的决定》（国发〔2017〕46号）"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def survey():
    """A surveying item with its statutory 测绘资质 and an abolished qualification."""
    item = service_item("建设工程地形图测绘")
    listed = statutory_qualification(item)
    abolished = statutory_qualification(
        service_item("可行性研究报告编制"), name="工程咨询单位资格认定", grade="",
        legal_basis="《工程咨询单位资格认定办法》", authority="国家发展和改革委员会",
        abolished_by=CONSULTING, abolished_on=dt.date(2017, 9, 22))
    return {"item": item, "listed": listed, "abolished": abolished}


def test_a_row_picked_from_the_items_list_copies_the_entry_and_publishes(survey):
    owner = bf.purchaser()
    project = project_create(actor=owner, fields=_fields(survey["item"]),
                             qualifications=[{"entry": survey["listed"].pk}])
    row = project.qualifications.get()
    assert (row.entry, row.name, row.grade, row.legal_basis) == (
        survey["listed"], "测绘资质", "乙级", "《中华人民共和国测绘法》第二十七条")
    assert project_publish(actor=owner, project=project).status == Project.Status.PUBLISHED


def test_a_typed_row_naming_a_listed_qualification_is_linked_to_it(survey):
    project = project_create(actor=bf.purchaser(), fields=_fields(survey["item"]),
                             qualifications=[{"name": "测绘 资质", "grade": "乙级"}])
    assert project.qualifications.get().entry == survey["listed"]


def test_an_abolished_qualification_is_not_offered_and_cannot_be_picked_on_the_page(
        client, survey):
    _login(client, bf.purchaser())
    page = client.get(reverse("bidding:project-new")).content.decode()
    assert "测绘资质 乙级 — 《中华人民共和国测绘法》第二十七条" in page
    assert "工程咨询单位资格认定" not in page
    response = client.post(reverse("bidding:project-new"), _post_data(
        survey["item"], **{"qual-0-entry": str(survey["abolished"].pk)}))
    assert response.status_code == 400
    errors = response.context["qual_formset"].forms[0].errors["entry"]
    assert "was abolished by" in errors[0] and "国发〔2017〕46号" in errors[0]
    assert not Project.objects.exists()


def test_an_abolished_qualification_cannot_be_picked_through_the_api(survey):
    client = _client(bf.purchaser())
    response = client.post("/api/v1/projects/", _payload(
        survey["item"], qualifications=[{"entry": survey["abolished"].pk}]), format="json")
    assert response.status_code == 400
    message = response.json()["errors"]["qualifications"][0]
    assert "工程咨询单位资格认定" in message and "2017-09-22" in message
    assert not Project.objects.exists()


def test_an_abolished_qualification_typed_by_name_is_refused_and_not_reviewable(survey):
    project = bf.draft(item=survey["item"], qualifications=[
        {"name": "工程咨询单位资格认定", "legal_basis": "《工程咨询单位资格认定办法》第三条"}])
    problems = [p for p in posting_problems(project) if p.field == "qualifications"]
    assert [(p.category, p.reviewable, p.row) for p in problems] == [("abolished", False, 1)]
    assert CONSULTING in problems[0].message


@pytest.mark.parametrize("name", ["省级优秀工程咨询成果奖", "全国百强咨询企业"])
def test_a_prize_cannot_be_picked_page_and_api(client, survey, name):
    _login(client, bf.purchaser())
    page = client.get(reverse("bidding:project-new")).content.decode()
    assert name not in page  # the select offers the catalogue, which lists no prize
    response = client.post(reverse("bidding:project-new"), _post_data(
        survey["item"], **{"qual-0-name": name, "qual-0-legal_basis": "《测绘法》第二十七条"}))
    assert response.status_code == 400
    assert "is not a qualification" in response.context["qual_formset"].forms[0] \
        .non_field_errors()[0]
    api = _client(bf.purchaser())
    created = api.post("/api/v1/projects/", _payload(survey["item"], qualifications=[
        {"name": name, "legal_basis": "《测绘法》第二十七条"}]), format="json").json()
    response = api.post(f"/api/v1/projects/{created['id']}/publish/")
    assert response.status_code == 400
    assert "is not a qualification" in response.json()["errors"]["qualifications"][0]
    prize = [p for p in posting_problems(Project.objects.get(pk=created["id"]))
             if p.field == "qualifications"]
    assert not any(p.reviewable for p in prize)  # no review can make a prize a qualification


def test_a_qualification_off_the_items_list_is_refused_on_its_row(client, survey):
    _login(client, bf.purchaser())
    response = client.post(reverse("bidding:project-new"), _post_data(survey["item"], **{
        "qual-TOTAL_FORMS": "2", "qual-0-entry": str(survey["listed"].pk),
        "qual-1-name": "安全评价机构资质", "qual-1-legal_basis": "《中华人民共和国安全生产法》第七十二条"}))
    assert response.status_code == 400
    rows = response.context["qual_formset"].forms
    assert rows[0].non_field_errors() == []
    message = rows[1].non_field_errors()[0]
    assert message.startswith("Qualification 2: “安全评价机构资质” is not among the qualifications")
    assert "测绘资质 乙级" in message and "regulator's review" in message
    assert Project.objects.get().status == Project.Status.DRAFT


def test_a_qualification_of_another_item_is_refused_through_the_api(survey):
    other = statutory_qualification(service_item("安全预评价报告编制"), name="安全评价机构资质",
                                    grade="", legal_basis="《中华人民共和国安全生产法》第七十二条")
    api = _client(bf.purchaser())
    created = api.post("/api/v1/projects/", _payload(survey["item"], qualifications=[
        {"entry": other.pk}]), format="json").json()
    response = api.post(f"/api/v1/projects/{created['id']}/publish/")
    assert response.status_code == 400
    assert "is not among the qualifications the law requires for “建设工程地形图测绘”" in \
        response.json()["errors"]["qualifications"][0]


def test_the_check_without_a_catalogue_reads_typed_rows_as_before():
    assert qualification_problems([{"name": "测绘资质", "grade": "乙级",
                                    "legal_basis": "《测绘法》第二十七条"}]) == []
    assert catalogue_for(None).listed == ()


def test_an_old_row_without_a_link_still_reads_on_the_page_and_in_the_api(client):
    project = bf.project(qualifications=[{"name": "环评资质", "grade": "",
                                          "legal_basis": "《环境影响评价法》第十九条"}])
    page = client.get(project.get_absolute_url()).content.decode()
    assert "环评资质" in page and "《环境影响评价法》第十九条" in page
    row = _client().get(f"/api/v1/projects/{project.pk}/").json()["qualifications"][0]
    assert row == {"entry": None, "name": "环评资质", "grade": "",
                   "legal_basis": "《环境影响评价法》第十九条", "authority": None}


def test_the_api_lists_an_items_qualifications_abolished_ones_marked(survey):
    body = _client().get("/api/v1/statutory-qualifications/",
                         {"item": survey["listed"].item_id}).json()
    assert [(r["name"], r["abolished"]) for r in body] == [("测绘资质", False)]
    body = _client().get("/api/v1/statutory-qualifications/",
                         {"item": survey["abolished"].item_id}).json()
    assert body[0]["abolished"] is True and body[0]["abolished_by"] == CONSULTING
    assert _client().get("/api/v1/statutory-qualifications/", {"item": "x"}).status_code == 400


def test_operators_keep_the_list_through_an_audited_service_and_the_admin(client):
    item = service_item("房产测绘")
    with pytest.raises(NotAllowed):
        statutory_qualification_save(actor=purchaser_user(), item=item, name="测绘资质",
                                     legal_basis="《测绘法》第二十七条", authority="自然资源部")
    with pytest.raises(ValidationFailed) as exc:
        statutory_qualification_save(actor=None, item=item, name="测绘资质",
                                     legal_basis="《测绘法》第二十七条", authority="自然资源部",
                                     abolished_by="某决定")
    assert list(exc.value.fields) == ["abolished_on"]
    entry = statutory_qualification_save(actor=None, item=item, name="测绘资质", grade="乙级",
                                         legal_basis="《测绘法》第二十七条", authority="自然资源部")
    assert AuditEvent.objects.filter(action="statutory_qualification.saved",
                                     object_id=str(entry.pk)).exists()
    admin = regulator_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(reverse("admin:core_statutoryqualification_change", args=[entry.pk]), {
        "item": item.pk, "name": "测绘资质", "grade": "乙级", "legal_basis": "《测绘法》第二十七条",
        "authority": "自然资源部", "abolished_by": "某决定", "abolished_on": "2030-01-01"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.abolished and entry.abolished_on == dt.date(2030, 1, 1)
    assert AuditEvent.objects.filter(action="statutory_qualification.saved").count() == 2


def test_demo_items_carry_their_statutory_qualifications():
    from marketplace.demo import _load_catalogue  # the catalogue part of the demo loader only

    items = _load_catalogue()
    survey = StatutoryQualification.objects.get(item=items["建设工程地形图测绘"])
    assert (survey.name, survey.grade, survey.abolished) == ("测绘资质", "乙级", False)
    assert "《中华人民共和国测绘法》第二十七条" in survey.legal_basis
    safety = StatutoryQualification.objects.get(item=items["安全预评价报告编制"])
    assert safety.name == "安全评价机构资质" and "《中华人民共和国安全生产法》" in safety.legal_basis
    assert "《中华人民共和国建筑法》第十三条" in StatutoryQualification.objects.get(
        item=items["建设工程规划设计方案编制"]).legal_basis
    assert "检验检测机构资质认定" in StatutoryQualification.objects.get(
        item=items["房屋安全鉴定"]).name
    abolished = StatutoryQualification.objects.get(item=items["可行性研究报告编制"])
    assert abolished.abolished and "国发〔2017〕46号" in abolished.abolished_by
    eia = StatutoryQualification.objects.get(item=items["环境影响评价报告书编制"])
    assert eia.abolished and eia.abolished_on == dt.date(2018, 12, 29)
    count = StatutoryQualification.objects.count()
    _load_catalogue()
    assert StatutoryQualification.objects.count() == count  # a second run adds nothing
