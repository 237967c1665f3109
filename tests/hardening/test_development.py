"""The development defaults (issue 8): with no SECRET_KEY the public development key is used,
every page says so, and the ASGI application answers only on loopback addresses."""
import pytest
from asgiref.testing import ApplicationCommunicator
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from marketplace.asgi import LoopbackOnlyWithDevelopmentKey, application, is_loopback

BANNER_ZH = "开发配置：勿用于生产"


def _http_scope(server_host: str) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": "/healthz-not-routed/", "raw_path": b"/", "query_string": b"",
            "headers": [(b"host", b"127.0.0.1")], "client": ("203.0.113.9", 50000),
            "server": (server_host, 8000)}


async def _get(app, server_host: str):
    communicator = ApplicationCommunicator(app, _http_scope(server_host))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(5)
    body = await communicator.receive_output(5)
    return start, body


async def _inner(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"served"})


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.0.0.53", True),
                                            ("::1", True), ("localhost", True),
                                            ("0.0.0.0", False), ("192.168.1.20", False),
                                            ("10.0.0.1", False), ("::", False)])
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.asyncio
async def test_with_the_development_key_a_non_loopback_request_gets_503_with_a_clear_text(
        settings):
    assert settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY
    start, body = await _get(LoopbackOnlyWithDevelopmentKey(_inner), "192.168.1.20")
    assert start["status"] == 503
    assert b"SECRET_KEY is not set" in body["body"] and b"loopback" in body["body"]
    assert "开发配置" in body["body"].decode()


@pytest.mark.asyncio
async def test_with_the_development_key_loopback_is_served():
    start, body = await _get(LoopbackOnlyWithDevelopmentKey(_inner), "127.0.0.1")
    assert start["status"] == 200 and body["body"] == b"served"


@pytest.mark.asyncio
async def test_with_a_real_key_any_address_is_served():
    with override_settings(SECRET_KEY="a-real-secret-from-the-environment-" + "x" * 30):
        start, _body = await _get(LoopbackOnlyWithDevelopmentKey(_inner), "192.168.1.20")
    assert start["status"] == 200


@pytest.mark.asyncio
async def test_the_site_application_is_wrapped_and_refuses_a_websocket_on_a_network_address():
    communicator = WebsocketCommunicator(application, "/ws/auctions/1/")
    communicator.scope["server"] = ("0.0.0.0", 8000)
    connected, code = await communicator.connect()
    assert not connected and code == 1013


@pytest.mark.django_db
def test_every_page_shows_the_development_banner_with_the_development_key(client):
    for url in ("/", "/accounts/login/", "/credit/"):
        assert BANNER_ZH in client.get(url).content.decode(), url


@pytest.mark.django_db
def test_production_settings_show_no_banner(client, settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "a-real-secret-from-the-environment-" + "x" * 30
    assert BANNER_ZH not in client.get("/").content.decode()
    assert "Development settings" not in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
