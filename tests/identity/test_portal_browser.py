"""Portal sign-in end to end in headless chromium: the marketplace (live server on localhost)
and the test OIDC provider (its own process on 127.0.0.1), no mock in between."""
import re

import pytest

from agencies.models import Agency
from core.models import ExternalIdentity, Region
from tests.factories.agencies import agency as make_agency
from tests.identity.conftest import PASSWORD, PEOPLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at_portal(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="政务服务网统一身份认证登录").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/login/"))
    assert page.get_by_role("heading", name="政务服务网统一身份认证").is_visible()
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_legal_person_of_an_agency_signs_in_through_the_portal(page, live_server, portal):
    agency = make_agency(uscc=PEOPLE["agency_legal"]["claims"]["uscc"])
    at_portal(page, live_server, "agency_legal")
    page.wait_for_url(f"{live_server.url}/account/")
    assert page.locator(f'a[href="/agencies/{agency.pk}/edit/"]').is_visible()
    link = ExternalIdentity.objects.select_related("user__member").get()
    assert link.user.member.organisation_id == agency.organisation_id


def test_a_new_organisation_registers_as_an_agency_with_the_portal_code(page, live_server,
                                                                         portal):
    Region.objects.get_or_create(code="420000", defaults={"name": "湖北省"})
    code = PEOPLE["new_legal"]["claims"]["uscc"]
    at_portal(page, live_server, "new_legal")
    page.wait_for_url(f"{live_server.url}/accounts/portal/register/")
    assert code in page.content()
    page.get_by_role("link", name="注册为中介服务机构").click()
    page.wait_for_url(f"{live_server.url}/agencies/register/")

    uscc = page.get_by_label("统一社会信用代码")
    assert uscc.input_value() == code and uscc.is_disabled()
    assert page.get_by_label("机构名称").input_value() == "荆楚安全评价有限公司"
    page.get_by_label("用户名").fill("jingchu_pj")
    page.locator("#id_password").fill("Hubei!Safe2026x")
    page.locator("#id_password2").fill("Hubei!Safe2026x")
    page.get_by_label("机构性质").select_option(label="企业")
    page.get_by_label("法定代表人").fill("赵法人")
    page.get_by_label("所在地区").select_option(label="湖北省")
    page.get_by_label(re.compile(r"^地址")).fill("湖北省武汉市洪山区珞喻路2号")
    page.get_by_label(re.compile(r"^联系人")).fill("赵工")
    page.get_by_label("联系电话").fill("027-88881234")
    page.get_by_label("诚信承诺", exact=False).last.check()
    page.get_by_role("button", name="提交入驻，立即公开").click()

    page.wait_for_url(re.compile(r"/agencies/\d+/$"))
    assert page.get_by_role("heading", name="荆楚安全评价有限公司").is_visible()
    agency = Agency.objects.get()
    assert agency.uscc == code
    assert ExternalIdentity.objects.get().user.member.organisation_id == agency.organisation_id

    # signed out everywhere, the portal button alone brings the same account back
    page.get_by_role("button", name="退出").click()
    page.context.clear_cookies()
    at_portal(page, live_server, "new_legal")
    page.wait_for_url(f"{live_server.url}/account/")
    assert "jingchu_pj" in page.content()
