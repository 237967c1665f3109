"""Posting pages: list with filters, detail, the guided form, the buttons."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from bidding.models import Project, SignUp
from bidding.rules import earliest_signup_deadline
from tests.factories import bidding as bf
from tests.factories.agencies import service_item, statutory_qualification
from tests.factories.core import PASSWORD, region

pytestmark = pytest.mark.django_db

Status = Project.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _user_of(agency):
    return agency.organisation.members.get().user


def test_the_list_shows_public_projects_but_not_other_peoples_drafts(client):
    shown = bf.project(title="公开的环评项目")
    bf.draft(title="别人的草稿")
    response = client.get(reverse("bidding:project-list"))
    assert response.status_code == 200
    assert "公开的环评项目" in response.content.decode()
    assert "别人的草稿" not in response.content.decode()
    assert shown.get_absolute_url() in response.content.decode()


def test_the_list_filters_by_item_status_method_region_and_date(client):
    item = service_item(title="水土保持方案编制")
    hit = bf.project(item=item, method=Project.Method.RANDOM_DRAW, title="命中项目",
                     region=region("420000"))
    bf.project(title="其他项目")
    today = timezone.localdate().isoformat()
    response = client.get(reverse("bidding:project-list"), {
        "item": item.pk, "status": "published", "method": "random_draw", "region": hit.region.pk,
        "published_after": "2020-01-01", "published_before": today})
    body = response.content.decode()
    assert "命中项目" in body and "其他项目" not in body


def test_mine_shows_only_the_purchasers_own_projects_including_drafts(client):
    owner = bf.purchaser()
    bf.draft(owner=owner, title="我的草稿")
    bf.project(title="别人的项目")
    body = _login(client, owner).get(reverse("bidding:project-list"), {"mine": "on"}) \
        .content.decode()
    assert "我的草稿" in body and "别人的项目" not in body


def test_the_list_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        bf.project()
    with django_assert_max_num_queries(8):
        client.get(reverse("bidding:project-list"))


def test_the_detail_shows_every_posting_field(client):
    item = service_item()
    avoided = bf.bidding_agency(item=item, name="回避的咨询公司")
    project = bf.project(item=item, qualifications=[
        {"name": "测绘资质", "grade": "乙级", "legal_basis": "《中华人民共和国测绘法》第二十七条"}],
        avoid=[(avoided, "编制了本项目可行性研究报告")], budget_line="")
    body = client.get(project.get_absolute_url()).content.decode()
    for text in (project.title, project.investment_code, project.approval_case_no, "测绘资质",
                 "《中华人民共和国测绘法》第二十七条", "回避的咨询公司", "编制了本项目可行性研究报告",
                 project.enquiry_phone, project.complaint_phone, "100,000.00", "60,000.00"):
        assert text in body, text


def test_the_detail_shows_the_public_reason_of_a_failed_project(client):
    project = bf.project(status=Status.FAILED, status_reason="报名不足3家，流标")
    assert "报名不足3家，流标" in client.get(project.get_absolute_url()).content.decode()


def test_the_detail_shows_the_draw_commitment_but_never_the_seed(client):
    project, _signups = bf.selecting(method=Project.Method.RANDOM_DRAW)
    body = client.get(project.get_absolute_url()).content.decode()
    assert project.draw_commitment in body
    assert project.draw_seed not in body


def test_a_draft_is_not_found_for_others(client):
    project = bf.draft()
    assert client.get(project.get_absolute_url()).status_code == 404
    assert _login(client, project.created_by).get(project.get_absolute_url()).status_code == 200


def test_an_ineligible_agency_sees_why_it_cannot_sign_up(client):
    item = service_item()
    agency = bf.bidding_agency(item=item)
    project = bf.project(item=item, avoid=[(agency, "与业主存在控股关系")])
    body = _login(client, _user_of(agency)).get(project.get_absolute_url()).content.decode()
    assert "与业主存在控股关系" in body
    assert "disabled" in body


def test_an_agency_signs_up_and_cancels_through_the_page(client):
    project = bf.project()
    agency = bf.bidding_agency(project)
    _login(client, _user_of(agency))
    response = client.post(reverse("bidding:project-signup", args=[project.pk]))
    assert response.status_code == 302
    assert SignUp.objects.get(project=project, agency=agency).status == SignUp.Status.ACTIVE
    body = client.get(project.get_absolute_url()).content.decode()
    assert "You have signed up" in body
    client.post(reverse("bidding:project-signup-cancel", args=[project.pk]))
    assert SignUp.objects.get(project=project, agency=agency).status == SignUp.Status.CANCELLED


def test_a_refused_sign_up_shows_the_reason_as_a_message(client):
    project = bf.project()
    agency = bf.bidding_agency(project)
    Agency.objects.filter(pk=agency.pk).update(standing=Agency.Standing.SUSPENDED)
    response = _login(client, _user_of(agency)).post(
        reverse("bidding:project-signup", args=[project.pk]), follow=True)
    assert "suspended" in response.content.decode()
    assert not SignUp.objects.exists()


def test_the_purchaser_withdraws_with_a_public_reason(client):
    project = bf.project()
    _login(client, project.created_by)
    client.post(reverse("bidding:project-withdraw", args=[project.pk]), {"reason": ""})
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED
    client.post(reverse("bidding:project-withdraw", args=[project.pk]),
                {"reason": "规划调整，项目暂停"})
    project.refresh_from_db()
    assert project.status == Status.WITHDRAWN
    assert "规划调整，项目暂停" in client.get(project.get_absolute_url()).content.decode()


def _post_data(item, **over):
    deadline = timezone.localtime(earliest_signup_deadline() + dt.timedelta(hours=2))
    data = {
        "item": item.pk, "title": "某物流园环境影响评价", "content": "编制环境影响报告表",
        "investment_code": "2611-420100-04-01-000009", "approval_case_no": "鄂环审〔2026〕9号",
        "scale": "", "region": region().code, "funding": "social", "fiscal_share": "0",
        "budget_line": "", "service_days": "20", "qualification_mode": "all",
        "practitioner_count": "0", "other_requirements": "", "method": "live_bidding",
        "quote_mode": "amount", "amount": "", "ceiling": "90000", "floor": "50000",
        "step": "500", "price_weight": "30", "quality_weight": "70",
        "signup_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "selection_at": (deadline + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "auction_minutes": "30", "enquiry_phone": "027-1", "complaint_phone": "027-2",
        "qual-TOTAL_FORMS": "1", "qual-INITIAL_FORMS": "0",
        "qual-0-entry": "", "qual-0-name": "", "qual-0-grade": "", "qual-0-legal_basis": "",
        "avoid-TOTAL_FORMS": "0", "avoid-INITIAL_FORMS": "0",
        "doc-TOTAL_FORMS": "1", "doc-INITIAL_FORMS": "0", "doc-0-name": "", "action": "publish",
    }
    data.update(over)
    return data


def test_the_new_project_form_renders_its_sections_for_a_purchaser(client):
    body = _login(client, bf.purchaser()).get(reverse("bidding:project-new")).content.decode()
    for anchor in ("s-item", "s-scale", "s-funding", "s-qualifications", "s-method", "s-periods",
                   "s-avoidances", "s-documents", "s-contacts"):
        assert f'id="{anchor}"' in body
    assert "working days" in body


def test_an_agency_cannot_open_the_new_project_form(client):
    agency = bf.bidding_agency(item=service_item())
    assert _login(client, _user_of(agency)).get(reverse("bidding:project-new")).status_code == 403


def test_publishing_from_the_form_opens_sign_up(client):
    _login(client, bf.purchaser())
    item = service_item("建设工程地形图测绘")
    entry = statutory_qualification(item)
    response = client.post(reverse("bidding:project-new"), _post_data(
        item, **{"qual-0-entry": str(entry.pk)}))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.status == Status.PUBLISHED
    row = project.qualifications.get()
    assert (row.entry, row.name, row.grade, row.legal_basis) == (
        entry, "测绘资质", "乙级", "《中华人民共和国测绘法》第二十七条")


def test_a_refused_rule_is_shown_on_the_form_and_the_draft_is_kept(client):
    _login(client, bf.purchaser())
    response = client.post(reverse("bidding:project-new"), _post_data(
        service_item(), other_requirements="须在本地设有办公场所",
        **{"qual-0-name": "环评资质", "qual-0-legal_basis": "无"}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "须在本地设有办公场所" in body and "law or regulation" in body
    project = Project.objects.get()
    assert project.status == Status.DRAFT
    assert reverse("bidding:project-edit", args=[project.pk]) in body


def test_saving_a_draft_then_editing_it(client):
    owner = bf.purchaser()
    _login(client, owner)
    entry = statutory_qualification(service_item("房产测绘"))
    client.post(reverse("bidding:project-new"), _post_data(
        entry.item, action="save", **{"qual-0-entry": str(entry.pk)}))
    project = Project.objects.get()
    assert project.status == Status.DRAFT
    page = client.get(reverse("bidding:project-edit", args=[project.pk])).content.decode()
    assert f'<option value="{entry.pk}" selected>' in page
    data = _post_data(project.item, title="改过的名称", action="save")
    client.post(reverse("bidding:project-edit", args=[project.pk]), data)
    project.refresh_from_db()
    assert project.title == "改过的名称"


def test_the_periods_endpoint_counts_working_days(client):
    deadline = timezone.localtime(earliest_signup_deadline())
    data = client.get(reverse("bidding:project-periods"), {
        "signup_deadline": deadline.strftime("%Y-%m-%dT%H:%M:%S")}).json()
    assert data["ok"] is True and data["signup_working_days"] >= data["min_days"]
    assert client.get(reverse("bidding:project-periods"), {"signup_deadline": "garbage"}) \
        .status_code == 400   # core.dates.parse_moment; the form's help ignores a refusal


def test_the_detail_page_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    item = service_item()
    project = bf.project(item=item, qualifications=[
        {"name": "测绘资质", "grade": "乙级", "legal_basis": "《测绘法》第二十七条"}],
        avoid=[(bf.bidding_agency(item=item), "回避理由")])
    for _ in range(4):
        bf.signup(project=project)
    with django_assert_max_num_queries(14):
        assert client.get(project.get_absolute_url()).status_code == 200
