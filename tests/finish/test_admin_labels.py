"""Issue 12: the admin names what it lists in the reader's language — apps by their
AppConfig.verbose_name, models by their verbose_name — and lists only what the platform keeps
(Oscar's shop models are not in it; its catalogue is the list of service items)."""
import re

import pytest
from django.contrib.auth import get_user_model

from core.catalogue import service_class
from tests.factories.core import regulator_staff_user

pytestmark = pytest.mark.django_db


def _index(client, lang: str) -> dict[str, list[str]]:
    client.cookies["django_language"] = lang
    html = client.get("/admin/").content.decode()
    out = {}
    for block in re.findall(r"<table>\s*<caption>(.*?)</table>", html, re.S):
        caption = re.sub(r"<[^>]+>", "", block.split("</caption>")[0]).strip()
        out[caption] = [re.sub(r"<[^>]+>", "", m).strip()
                        for m in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', block, re.S)]
    return out


def test_the_admin_index_names_apps_and_models_in_chinese_and_in_english(client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.com", "x"))
    zh = _index(client, "zh-hans")
    assert zh["中介服务事项"] == ["分类", "服务事项"]
    assert zh["中介机构"] == ["中介机构"] and zh["登录保护"] == ["登录失败", "登录尝试", "登录日志"]
    en = _index(client, "en")
    assert en["Service catalogue"] == ["Categories", "Service items"]
    assert {"Agencies", "Platform", "Credit and exit"} <= set(en)
    for names in (zh, en):
        listed = " ".join(list(names) + [m for models in names.values() for m in models])
        for shop in ("Basket", "Order", "Voucher", "Wish", "Product", "商品", "排序", "响应内容"):
            assert shop not in listed, (shop, names)
    # in Chinese, every app and model is named in Chinese
    for caption, models in zh.items():
        for name in (caption, *models):
            assert re.search(r"[\u4e00-\u9fff]", name), (caption, name)


def test_the_regulator_keeps_the_service_items_under_their_own_name(client):
    service_class()
    client.force_login(regulator_staff_user())
    zh = _index(client, "zh-hans")
    assert "服务事项" in zh["中介服务事项"]
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/admin/catalogue/product/").content.decode()
    assert "选择 服务事项 来修改" in page or "服务事项" in re.search(r"<h1>(.*?)</h1>", page).group(1)
