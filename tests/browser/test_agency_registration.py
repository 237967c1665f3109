"""A new agency joins through the Chinese form in headless chromium and finds itself in the
directory (R1: listed at once, no approval step)."""
import re

import pytest
from playwright.sync_api import expect

from agencies.models import Agency
from core.models import Region
from core.uscc import make_uscc
from tests.factories.agencies import service_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_a_new_agency_registers_in_chinese_and_finds_itself_in_the_directory(page, live_server):
    item = service_item(title="地质灾害危险性评估", category="地质灾害")
    code = make_uscc(424242)

    page.goto(f"{live_server.url}/agencies/register/")
    # the form speaks Chinese by default
    assert page.get_by_role("heading", name="中介服务机构入驻").is_visible()
    for label in ("用户名", "统一社会信用代码", "法定代表人", "联系电话", "诚信承诺"):
        assert page.get_by_text(label, exact=False).first.is_visible()

    page.get_by_label("用户名").fill("dizhi_zixun")
    page.locator("#id_password").fill("Dizhi#2026zx")
    page.locator("#id_password2").fill("Dizhi#2026zx")
    page.get_by_label("机构名称").fill("鄂西地质灾害评估咨询有限公司")
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("机构性质").select_option(label="企业")
    page.get_by_label("法定代表人").fill("黄志强")
    page.get_by_label("注册资本（万元）").fill("200")
    # the cascading picker: choosing the province narrows the cities, the city the counties
    page.get_by_label("所在地区").select_option(label="湖北省")
    cities = page.locator("#id_region_1 option").all_inner_texts()
    assert "恩施土家族苗族自治州" in cities and "长沙市" not in cities
    page.locator("#id_region_1").select_option(label="恩施土家族苗族自治州")
    counties = page.locator("#id_region_2 option").all_inner_texts()
    assert "恩施市" in counties and "洪山区" not in counties
    page.locator("#id_region_2").select_option(label="恩施市")
    page.get_by_label(re.compile(r"^地址")).fill("湖北省恩施市施州大道8号")
    page.locator("#id_service_regions").fill("新疆维吾尔自治区")
    page.get_by_label(re.compile(r"^联系人")).fill("向工")
    page.get_by_label("联系电话").fill("0718-8221234")

    # one offer row, then a second row added with the "add another" button
    page.locator("#id_offers-0-item").select_option(label=item.title)
    page.locator("#id_offers-0-fee").fill("26000")
    page.locator("#id_offers-0-committed_days").fill("20")
    page.locator("#id_offers-0-commitment").fill("二十个工作日内提交评估报告")
    page.get_by_role("button", name="再添加一个事项").click()
    assert page.locator("#id_offers-1-item").is_visible()
    assert page.locator("input[name='offers-TOTAL_FORMS']").input_value() == "2"

    page.locator("#id_quals-0-name").fill("地质灾害危险性评估资质")
    page.locator("#id_quals-0-grade").fill("乙级")

    # the department fields appear once a tie is declared
    assert page.locator("#id_gov_tie_department").is_hidden()
    page.get_by_label("诚信承诺", exact=False).last.check()
    page.get_by_role("button", name="提交入驻，立即公开").click()

    page.wait_for_url(re.compile(r"/agencies/\d+/$"))
    assert "已成功入驻并立即公开展示" in page.locator(".messages").inner_text()
    assert page.get_by_role("heading", name="鄂西地质灾害评估咨询有限公司").is_visible()
    assert "地质灾害危险性评估资质" in page.content()

    # the new agency finds itself in the public directory through the search box
    page.get_by_role("link", name="中介机构", exact=True).click()
    page.get_by_label("机构名称或信用代码").fill("鄂西地质")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/agencies/\?q="))
    # expect() retries until the results page has rendered (count() alone reads it at once)
    expect(page.locator(".agency-list .agency-name")).to_have_text(["鄂西地质灾害评估咨询有限公司"])

    agency = Agency.objects.get(uscc=code)
    assert agency.partner.stockrecords.get().price == 26000
    assert [r.code for r in agency.service_regions.all()] == ["650000"]
    assert agency.region == Region.objects.get(code="422801")
