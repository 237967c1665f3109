"""The large-text mode's form post (core/views/display.py): a cookie, a safe way back."""
import pytest

pytestmark = pytest.mark.django_db


def test_the_toggle_sets_the_cookie_and_the_page_is_served_enlarged(client):
    response = client.post("/display/text-size/", {"next": "/projects/?q=环评"})
    assert response.status_code == 302 and response["Location"] == "/projects/?q=%E7%8E%AF%E8%AF%84"
    assert response.cookies["large_text"].value == "1"
    page = client.get("/projects/").content.decode()
    assert '<html lang="zh-hans" class="large-text">' in page
    assert 'aria-pressed="true"' in page
    off = client.post("/display/text-size/", {"next": "/", "large": "0"})
    assert off.cookies["large_text"].value == "0"
    assert 'class="large-text"' not in client.get("/").content.decode()


def test_the_way_back_never_leaves_the_site(client):
    response = client.post("/display/text-size/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_get_is_refused(client):
    assert client.get("/display/text-size/").status_code == 405
