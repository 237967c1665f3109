"""The public catalogue over the API (R7): list with filters, detail with every column."""
import pytest

from tests.factories.agencies import agency

pytestmark = pytest.mark.django_db

LIST = "/api/v1/service-items/"


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(row["title"] for row in response.json()["results"])


def test_service_item_list_is_public_paginated_and_has_english_attribute_keys(api, catalogue):
    response = api.get(LIST)
    body = response.json()
    assert body["count"] == 4
    row = next(r for r in body["results"] if r["title"] == "环境影响评价报告书编制")
    assert row["legal_basis"] == "《中华人民共和国环境影响评价法》第十六条"
    assert row["fee_type"] == "市场调节价" and row["fee_type_code"] == "market"
    assert row["statutory_days"] == 60 and row["committed_days"] == 30
    assert [c["slug"] for c in row["categories"]] == ["huanping"]


def test_category_filter_by_slug_includes_items_of_sub_categories(api, catalogue):
    assert titles(api.get(LIST, {"category": "huanjing"})) == ["水土保持方案编制",
                                                               "环境影响评价报告书编制"]
    assert titles(api.get(LIST, {"category": "huanping"})) == ["环境影响评价报告书编制"]


def test_category_filter_by_id(api, catalogue):
    assert titles(api.get(LIST, {"category": catalogue["survey"].pk})) == [
        "建设工程规划竣工测量", "防雷装置检测"]


def test_unknown_category_is_refused_with_a_readable_message(english, catalogue):
    response = english.get(LIST, {"category": "no-such-category"})
    assert response.status_code == 400
    assert response.json()["detail"] == "No catalogue category with this id or slug."
    assert "category" in response.json()["errors"]


def test_q_filters_on_title(api, catalogue):
    assert titles(api.get(LIST, {"q": "测量"})) == ["建设工程规划竣工测量"]


def test_fee_type_filter_accepts_english_codes_and_chinese_values(api, catalogue):
    assert titles(api.get(LIST, {"fee_type": "government"})) == ["水土保持方案编制"]
    assert titles(api.get(LIST, {"fee_type": "市场调节价"})) == ["建设工程规划竣工测量",
                                                                "环境影响评价报告书编制"]
    assert api.get(LIST, {"fee_type": "free"}).status_code == 400


def test_detail_has_every_attribute_categories_and_number_of_listed_agencies(api, catalogue):
    item = catalogue["eia"]
    agency(offers=[item])
    agency(offers=[item])
    expelled = agency(offers=[item])
    expelled.standing = "expelled"
    expelled.save(update_fields=["standing"])
    body = api.get(f"{LIST}{item.pk}/").json()
    for key in ("legal_basis", "approval_item", "approval_department", "implementing_authority",
                "statutory_days", "committed_days", "workflow", "conditions", "fee_standard",
                "fee_type", "remarks", "categories", "description"):
        assert key in body
    assert body["approval_department"] == "生态环境局"
    assert body["implementing_authority"] is None
    assert body["agency_count"] == 2
    assert body["page_url"] == f"/catalogue/items/{item.pk}/"


def test_unknown_item_detail_is_a_json_404(api, catalogue):
    response = api.get(f"{LIST}999999/")
    assert response.status_code == 404 and response.json()["detail"]
    assert api.get(f"{LIST}99999999999999999999999/").status_code == 404


def test_service_item_list_query_count_does_not_grow_with_items(
        api, catalogue, django_assert_max_num_queries):
    from tests.factories.agencies import service_item

    with django_assert_max_num_queries(6) as few:
        api.get(LIST)
    for n in range(15):
        service_item(f"测试事项{n}", category="测绘")
    with django_assert_max_num_queries(len(few.captured_queries)):
        api.get(LIST)
