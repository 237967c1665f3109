"""Purchaser self sign-up, the per-role account page, staff accounts by command."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core.models import AuditEvent, Organisation
from core.uscc import make_uscc
from tests.factories.agencies import agency
from tests.factories.core import PASSWORD, approval_user, purchaser_user, regulator_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def _form(**overrides):
    data = {"name": "湖北测试新材料有限公司", "uscc": make_uscc(77001), "region": "",
            "contact_name": "王经理", "contact_phone": "027-88886666", "email": "",
            "username": "newbuyer", "password": PASSWORD, "password2": PASSWORD}
    data.update(overrides)
    return data


def test_an_enterprise_signs_up_with_a_valid_code_and_is_signed_in(client):
    response = client.post(reverse("signup"), _form())
    assert response.status_code == 302 and response["Location"] == reverse("account")
    org = Organisation.objects.get(name="湖北测试新材料有限公司")
    assert org.kind == Organisation.Kind.PURCHASER and org.uscc == make_uscc(77001)
    assert not org.is_government
    assert AuditEvent.objects.filter(action="purchaser.registered", object_id=str(org.pk)).exists()
    page = client.get(reverse("account")).content.decode()
    assert "/projects/new/" in page and "/my/" in page


def test_an_invalid_credit_code_is_refused_with_a_message_and_nothing_is_created(client):
    bad = make_uscc(77002)[:-1] + ("0" if make_uscc(77002)[-1] != "0" else "1")
    response = client.post(reverse("signup"), _form(uscc=bad))
    assert response.status_code == 200
    assert "统一社会信用代码无效" in response.content.decode()
    assert not User.objects.filter(username="newbuyer").exists()
    assert not Organisation.objects.filter(name="湖北测试新材料有限公司").exists()


def test_a_code_already_registered_as_purchaser_is_refused(client):
    purchaser_user(uscc=make_uscc(77003))
    response = client.post(reverse("signup"), _form(uscc=make_uscc(77003)))
    assert response.status_code == 200
    assert "已注册" in response.content.decode()
    assert not User.objects.filter(username="newbuyer").exists()


def test_a_government_department_signs_up_without_code_and_is_marked_as_such(client):
    response = client.post(reverse("signup"), _form(name="某市交通运输局", uscc="",
                                                    is_government="on"))
    assert response.status_code == 302
    org = Organisation.objects.get(name="某市交通运输局")
    assert org.is_government and org.kind == Organisation.Kind.PURCHASER
    assert "项目业主（政府部门）" in client.get(reverse("account")).content.decode()


def test_mismatched_passwords_and_weak_passwords_are_refused(client):
    html = client.post(reverse("signup"), _form(password2="other#Pass2026")).content.decode()
    assert "两次输入的密码不一致" in html
    client.post(reverse("signup"), _form(password="12345678", password2="12345678"))
    assert not User.objects.filter(username="newbuyer").exists()


def test_account_page_shows_agency_links_to_its_profile_and_edit_page(client):
    a = agency()
    client.force_login(a.organisation.members.get().user)
    html = client.get(reverse("account")).content.decode()
    assert f"/agencies/{a.pk}/" in html and f"/agencies/{a.pk}/edit/" in html


@pytest.mark.parametrize("make_user, links", [
    (approval_user, ["/approvals/", "/verify/"]),
    (regulator_user, ["/regulator/", "/admin/"]),
])
def test_account_page_shows_what_each_role_can_do(client, make_user, links):
    client.force_login(make_user())
    html = client.get(reverse("account")).content.decode()
    for link in links:
        assert f'href="{link}"' in html


def test_account_page_requires_sign_in(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_sign_in_page_signs_in_and_goes_to_the_account(client):
    purchaser_user(uscc=make_uscc(77004))
    user = User.objects.latest("pk")
    html = client.get(reverse("login")).content.decode()
    assert 'name="username"' in html and reverse("signup") in html
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("account")


def test_create_staff_makes_a_regulator_staff_user_with_catalogue_permissions():
    call_command("create_staff", kind="regulator", org="市政务服务管理局", username="reg9",
                 password=PASSWORD)
    user = User.objects.get(username="reg9")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("catalogue.change_product") and user.has_perm("catalogue.add_category")
    assert user.has_perm("core.add_holidayschedule")
    assert not user.has_perm("core.change_auditevent")
    assert user.member.organisation.kind == Organisation.Kind.REGULATOR
    assert AuditEvent.objects.filter(action="staff.created").exists()


def test_create_staff_makes_an_approval_account_without_admin_access():
    call_command("create_staff", kind="approval", org="市行政审批局", username="appr9",
                 password=PASSWORD)
    user = User.objects.get(username="appr9")
    assert not user.is_staff
    assert user.member.organisation.kind == Organisation.Kind.APPROVAL


def test_create_staff_reports_a_taken_user_name():
    call_command("create_staff", kind="approval", org="市行政审批局", username="appr9",
                 password=PASSWORD)
    with pytest.raises(CommandError, match="username"):
        call_command("create_staff", kind="approval", org="市行政审批局", username="appr9",
                     password=PASSWORD)
