"""Chinese by default, English after switching; our catalogues are fully translated."""
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories.agencies import service_item

pytestmark = pytest.mark.django_db

CATALOGUES = [Path(settings.BASE_DIR) / "marketplace/locale/zh_Hans/LC_MESSAGES/django.po",
              Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"]


@pytest.mark.parametrize("url_name", ["home", "catalogue", "catalogue-fees", "signup", "login"])
def test_pages_render_in_chinese_by_default(client, url_name):
    service_item()
    html = client.get(reverse(url_name)).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "首页" in html and "中介服务事项" in html
    assert "Service catalogue" not in html


def test_switching_to_english_with_the_language_form(client):
    service_item()
    home = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in home and 'value="en"' in home
    response = client.post(reverse("set_language"), {"language": "en",
                                                     "next": reverse("catalogue")})
    assert response.status_code == 302
    html = client.get(reverse("catalogue")).content.decode()
    assert '<html lang="en">' in html
    assert "Catalogue of approval-related intermediary services" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "行政审批中介服务事项清单" in client.get(reverse("catalogue")).content.decode()


def test_item_labels_follow_the_language(client):
    item = service_item()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("catalogue-item", args=[item.pk])).content.decode()
    assert "Legal basis" in html and "Agencies offering this service" in html
    assert "《中华人民共和国环境影响评价法》第十六条" in html  # content stays Chinese


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_catalogues_are_fully_translated_and_compiled(path):
    po = polib.pofile(str(path))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()
    assert path.with_suffix(".mo").exists()
