"""The public catalogue ("三张清单", R7): items by category, item detail with offers ordered by
credit then fee, the fee list, the agency list; constant query counts."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from agencies.services.registry import OfferInput
from core.catalogue import DEFAULT_REMARK, FEE_GOVERNMENT, Category
from tests.factories.agencies import agency, service_item

pytestmark = pytest.mark.django_db

FULL_ATTRS = {
    "approval_item": "建设项目环境影响评价文件审批", "approval_department": "生态环境局",
    "legal_basis": "《中华人民共和国环境影响评价法》第十六条",
    "implementing_authority": "具有相应能力的技术单位", "statutory_days": 60,
    "committed_days": 20, "workflow": "委托—编制—报批", "conditions": "应编制报告书的建设项目",
    "fee_standard": "市场调节价", "fee_type": None, "remarks": DEFAULT_REMARK,
}


def _item(title="环境影响评价报告书编制", category="生态环境", **attrs):
    values = {**FULL_ATTRS, **attrs}
    from core.catalogue import AttributeOption, service_class

    service_class()
    values["fee_type"] = AttributeOption.objects.get(option=attrs.get("fee_type", FEE_GOVERNMENT))
    return service_item(title=title, category=category, **values)


def _stars(a: Agency, stars: int) -> Agency:
    Agency.objects.filter(pk=a.pk).update(credit_stars=stars)
    return a


def test_catalogue_lists_categories_with_counts_and_items_with_basis_limits_and_fee_type(client):
    _item()
    _item(title="水土保持方案编制", category="水利水保",
          legal_basis="《中华人民共和国水土保持法》第二十五条", statutory_days=20)
    response = client.get(reverse("catalogue"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("生态环境", "水利水保", "环境影响评价报告书编制", "水土保持方案编制",
                 "《中华人民共和国水土保持法》第二十五条", FEE_GOVERNMENT, "法定 60 / 承诺 20 个工作日"):
        assert text in html
    counts = {n.category.name: n.item_count for n in response.context["nodes"]}
    assert counts == {"生态环境": 1, "水利水保": 1}


def test_category_counts_include_items_of_sub_categories(client):
    parent = Category.add_root(name="自然资源与规划")
    parent.add_child(name="测绘服务")
    _item(title="房产测绘", category="测绘服务")
    nodes = client.get(reverse("catalogue")).context["nodes"]
    counts = {n.category.name: n.item_count for n in nodes}
    assert counts == {"自然资源与规划": 1, "测绘服务": 1}


def test_catalogue_search_filters_items_by_name(client):
    _item()
    _item(title="水土保持方案编制", category="水利水保")
    html = client.get(reverse("catalogue"), {"q": "水土"}).content.decode()
    assert "水土保持方案编制" in html and "环境影响评价报告书编制" not in html


def test_item_detail_shows_every_attribute_and_the_free_choice_remark(client):
    item = _item()
    html = client.get(reverse("catalogue-item", args=[item.pk])).content.decode()
    for value in ("建设项目环境影响评价文件审批", "生态环境局",
                  "《中华人民共和国环境影响评价法》第十六条", "具有相应能力的技术单位", "60", "20",
                  "委托—编制—报批", "应编制报告书的建设项目", "市场调节价", FEE_GOVERNMENT):
        assert value in html
    for label in ("涉及的审批事项", "审批部门", "设定依据", "中介服务实施机构", "法定办理时限",
                  "承诺办理时限", "办理流程", "申报条件", "收费标准", "收费方式"):
        assert label in html, label
    assert DEFAULT_REMARK in html
    assert 'class="notice notice-strong"' in html


def test_item_detail_shows_the_default_remark_even_when_the_item_has_none(client):
    item = _item(remarks="")
    html = client.get(reverse("catalogue-item", args=[item.pk])).content.decode()
    assert DEFAULT_REMARK in html


def test_offers_are_ordered_five_star_first_then_by_lower_fee(client):
    item = _item()
    three_cheap = _stars(agency(name="三星低价机构", offers=[OfferInput(item=item, fee=Decimal(1000))]), 3)
    five_dear = _stars(agency(name="五星高价机构", offers=[OfferInput(item=item, fee=Decimal(90000))]), 5)
    five_cheap = _stars(agency(name="五星低价机构", offers=[OfferInput(item=item, fee=Decimal(20000))]), 5)
    four = _stars(agency(name="四星机构", offers=[OfferInput(item=item, fee=Decimal(500))]), 4)
    response = client.get(reverse("catalogue-item", args=[item.pk]))
    names = [o.partner.agency.name for o in response.context["offers"]]
    assert names == [five_cheap.name, five_dear.name, four.name, three_cheap.name]
    html = response.content.decode()
    assert html.index("五星低价机构") < html.index("五星高价机构") < html.index("三星低价机构")
    assert "20,000.00" in html or "20000.00" in html


def test_suspended_and_expelled_agencies_are_not_listed_as_offering(client):
    item = _item()
    agency(name="正常机构", offers=[item])
    gone = agency(name="被清退机构", offers=[item])
    Agency.objects.filter(pk=gone.pk).update(standing=Agency.Standing.EXPELLED)
    html = client.get(reverse("catalogue-item", args=[item.pk])).content.decode()
    assert "正常机构" in html and "被清退机构" not in html


def test_offers_are_paginated_twenty_per_page(client):
    item = _item()
    for _ in range(23):
        agency(offers=[item])
    first = client.get(reverse("catalogue-item", args=[item.pk]))
    second = client.get(reverse("catalogue-item", args=[item.pk]), {"page": 2})
    assert len(first.context["offers"]) == 20 and len(second.context["offers"]) == 3


def test_agency_names_are_escaped_on_the_item_page(client):
    item = _item()
    agency(name="<script>alert(1)</script>机构", offers=[item])
    html = client.get(reverse("catalogue-item", args=[item.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_unknown_or_hidden_item_is_404(client):
    item = _item()
    item.is_public = False
    item.save()
    assert client.get(reverse("catalogue-item", args=[item.pk])).status_code == 404
    assert client.get(reverse("catalogue-item", args=[999999])).status_code == 404


def test_agency_list_counts_agencies_per_item(client):
    item = _item()
    other = _item(title="水土保持方案编制", category="水利水保")
    agency(offers=[item, other])
    agency(offers=[item])
    response = client.get(reverse("catalogue-agencies"))
    counts = {i.title: i.offer_count for n in response.context["nodes"] for i in n.items}
    assert counts == {item.title: 2, other.title: 1}
    assert f"/agencies/?item={item.pk}" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_item_page_makes_the_same_number_of_queries_for_three_and_eighteen_agencies(client):
    small, large = _item(title="小事项"), _item(title="大事项", category="水利水保")
    for _ in range(3):
        agency(offers=[small, large])
    for _ in range(15):
        agency(offers=[large])
    client.get(reverse("catalogue-item", args=[small.pk]))  # warm caches (content types…)
    assert _queries(client, reverse("catalogue-item", args=[small.pk])) == \
        _queries(client, reverse("catalogue-item", args=[large.pk]))


@pytest.mark.parametrize("url_name", ["catalogue", "catalogue-fees", "catalogue-agencies", "home"])
def test_catalogue_pages_make_the_same_number_of_queries_at_two_sizes(client, url_name):
    first = _item(title="事项一")
    agency(offers=[first])
    client.get(reverse(url_name))
    small = _queries(client, reverse(url_name))
    for n in range(8):
        item = _item(title=f"事项{n + 2}", category=f"类别{n % 3}")
        agency(offers=[item, first])
        agency(offers=[item])
    large = _queries(client, reverse(url_name))
    assert small == large
