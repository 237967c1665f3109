"""Issue 12: an unknown address and a failure answer with the site's own pages (404.html,
500.html) in the reader's language, with the default settings of ``make run`` (DEBUG on) as
with DEBUG off — never Django's technical page listing every URL of the site."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TECHNICAL = ("Using the URLconf", "urlpatterns", "Django tried these URL patterns", "Traceback")


@pytest.mark.parametrize("debug", [True, False], ids=["run-defaults", "debug-off"])
@pytest.mark.parametrize(("lang", "title", "search"), [
    ("zh-hans", "页面不存在", "搜索采购公告"), ("en", "Page not found", "Search projects")])
def test_an_unknown_address_gets_the_sites_404_page(client, settings, debug, lang, title, search):
    settings.DEBUG = debug
    client.cookies["django_language"] = lang
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page and search in page
    assert 'action="/projects/"' in page and 'href="/"' in page and 'class="site-footer"' in page
    for text in TECHNICAL:
        assert text not in page


@pytest.mark.parametrize("debug", [True, False], ids=["run-defaults", "debug-off"])
def test_an_unknown_api_address_gets_json(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.urls("tests.finish.boom_urls")
@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "出错了"), ("en", "Something went wrong")])
def test_a_failure_gets_the_sites_500_page_without_a_traceback(settings, lang, title):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = lang
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page and 'href="/"' in page and "site.css" in page
    for text in (*TECHNICAL, "a bug", "RuntimeError"):
        assert text not in page
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500 and api.json()["code"] == "server_error"
