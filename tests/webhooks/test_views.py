"""/webhooks/: an organisation's members add endpoints (the secret shown once), test, switch,
rotate, delete them and read their log; another organisation's endpoint is 404."""
from __future__ import annotations

import pytest

from tests.factories.core import purchaser_user
from tests.factories.webhooks import endpoint
from webhooks.models import Endpoint, WebhookDelivery

pytestmark = pytest.mark.django_db
HTTPS = "https://case.example.gov.cn/hooks/marketplace"


def test_a_member_adds_an_endpoint_and_sees_its_secret_once(client):
    user = purchaser_user()
    client.force_login(user)
    page = client.get("/webhooks/")
    assert page.status_code == 200 and "回调推送" in page.content.decode()
    added = client.post("/webhooks/", {"url": HTTPS, "event_types": ["award.made"],
                                       "description": "审批系统"})
    hook = Endpoint.objects.get()
    assert added.status_code == 200 and hook.secret in added.content.decode()
    assert hook.organisation == user.member.organisation and hook.event_types == ["award.made"]
    assert hook.secret not in client.get("/webhooks/").content.decode()


def test_a_bad_url_is_a_form_error(client):
    client.force_login(purchaser_user())
    page = client.post("/webhooks/", {"url": "http://case.example.gov.cn/", "event_types": ["*"]},
                       HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "https://" in page.content.decode()
    assert "errorlist" in page.content.decode() and not Endpoint.objects.exists()


def test_the_buttons_test_switch_rotate_and_delete(client, receiver,
                                                   django_capture_on_commit_callbacks):
    user = purchaser_user()
    hook = endpoint(receiver.url, organisation=user.member.organisation)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/webhooks/{hook.pk}/test/")
    assert [r.headers["X-Marketplace-Event"] for r in receiver.received] == ["webhook.ping"]
    log = client.get(f"/webhooks/{hook.pk}/deliveries/")
    assert log.status_code == 200 and "webhook.ping" in log.content.decode()
    client.post(f"/webhooks/{hook.pk}/toggle/")
    hook.refresh_from_db()
    assert hook.active is False
    old = hook.secret
    rotated = client.post(f"/webhooks/{hook.pk}/rotate/")
    hook.refresh_from_db()
    assert hook.secret != old and hook.secret in rotated.content.decode()
    client.post(f"/webhooks/{hook.pk}/delete/")
    assert not Endpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_another_organisations_endpoint_is_not_found(client):
    theirs = endpoint(HTTPS)
    client.force_login(purchaser_user())
    for action in ("test", "toggle", "rotate", "delete"):
        assert client.post(f"/webhooks/{theirs.pk}/{action}/").status_code == 404
    assert client.get(f"/webhooks/{theirs.pk}/deliveries/").status_code == 404
    assert Endpoint.objects.get().active


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/webhooks/")
    assert response.status_code == 302 and "login" in response["Location"]
