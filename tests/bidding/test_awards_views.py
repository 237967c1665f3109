"""Pages of the award stage: notice, list, verify, approvals, selection, actions."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bidding.models import Award, Contract, Project
from bidding.services import draws
from tests.factories import bidding as bf
from tests.factories.awards import approval_user_of, made_award
from tests.factories.core import PASSWORD, purchaser_user

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def agency_user(agency):
    return agency.organisation.members.first().user


def test_award_notice_is_public_and_shows_code_qr_contacts_and_draw_computation(client):
    project, _s = bf.selecting(method=Project.Method.RANDOM_DRAW)
    award = draws.draw_run(actor=project.created_by, project=project)
    html = client.get(reverse("bidding:award-detail", args=[award.pk])).content.decode()
    assert award.code in html and "<svg" in html and "/verify/?code=" + award.code in html
    assert project.complaint_phone in html and project.enquiry_phone in html
    assert project.draw_seed in html and project.draw_commitment in html
    assert "python3 -c" in html and award.agency.name in html


def test_award_notice_shows_a_live_bidding_bid_log_from_the_computation(client):
    award = made_award(computation={"bids": [
        {"seq": 1, "label": "竞价人A", "agency": "甲公司", "value": "90000.00"},
        {"seq": 2, "label": "竞价人B", "agency": "乙公司", "value": "88000.00"}]})
    html = client.get(reverse("bidding:award-detail", args=[award.pk])).content.decode()
    assert "竞价人B" in html and "88000.00" in html


def test_award_list_filters_by_query(client):
    a = made_award(title="甲项目环评")
    made_award(title="乙项目节能报告")
    html = client.get(reverse("bidding:award-list"), {"q": "甲项目"}).content.decode()
    assert a.project.title in html and "乙项目节能报告" not in html


def test_unknown_award_page_is_404(client):
    assert client.get("/awards/999999/").status_code == 404


def test_verify_page_authentic_and_forged(client):
    award = made_award()
    ok = client.get(reverse("bidding:verify"), {"code": award.code}).content.decode()
    assert "verdict-ok" in ok and award.agency.name in ok
    bad = client.get(reverse("bidding:verify"), {"code": "ZZZZ-ZZZZ-ZZZZ"}).content.decode()
    assert "verdict-bad" in bad and award.agency.name not in bad


def test_approvals_page_requires_an_approval_department_and_lists_its_projects(client):
    award = made_award()
    login(client, purchaser_user())
    assert client.get(reverse("bidding:approvals")).status_code == 403
    client.logout()
    dept_user = approval_user_of("测试审批局")
    award.project.approval_department = dept_user.member.organisation
    award.project.save(update_fields=["approval_department"])
    login(client, dept_user)
    html = client.get(reverse("bidding:approvals"),
                      {"q": award.project.investment_code}).content.decode()
    assert award.code in html and award.project.title in html


def test_objection_form_posts_through_the_service_and_errors_become_messages(client):
    award = made_award()
    loser = award.project.signups.exclude(pk=award.signup_id).first()
    login(client, agency_user(loser.agency))
    url = reverse("bidding:award-action", args=[award.pk, "object"])
    r = client.post(url, {"text": ""}, follow=True)
    assert r.status_code == 200 and award.objections.count() == 0
    client.post(url, {"text": "资质存疑"})
    assert award.objections.count() == 1


def test_contract_upload_and_confirm_through_the_pages(client):
    award = made_award()
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    login(client, award.project.created_by)
    client.post(reverse("bidding:award-action", args=[award.pk, "contract"]),
                {"file": SimpleUploadedFile("c.pdf", b"%PDF-1.4")})
    assert Contract.objects.filter(award=award).exists()
    client.logout()
    login(client, agency_user(award.agency))
    client.post(reverse("bidding:award-action", args=[award.pk, "confirm"]))
    award.refresh_from_db()
    assert award.status == Award.Status.IN_SERVICE


def test_selection_page_quote_and_direct_pick(client):
    project, (a, _b) = bf.selecting(method=Project.Method.AVERAGE_PRICE, bidders=2,
                                    selection_at=timezone.now() + dt.timedelta(hours=1))
    login(client, agency_user(a.agency))
    assert client.get(reverse("bidding:selection", args=[project.pk])).status_code == 200
    client.post(reverse("bidding:selection-action", args=[project.pk, "quote"]),
                {"quote": "80000"})
    a.refresh_from_db()
    assert a.quote is not None
    direct = bf.project(method=Project.Method.DIRECT)
    chosen = bf.bidding_agency(direct)
    client.logout()
    login(client, direct.created_by)
    page = client.get(reverse("bidding:selection", args=[direct.pk])).content.decode()
    assert chosen.name in page
    r = client.post(reverse("bidding:selection-action", args=[direct.pk, "pick"]),
                    {"agency": str(chosen.pk)})
    award = Award.objects.get(project=direct)
    assert r.status_code == 302 and r.url == reverse("bidding:award-detail", args=[award.pk])
    r = client.post(reverse("bidding:selection-action", args=[direct.pk, "pick"]),
                    {"agency": "nonsense"})
    assert r.status_code == 302
