"""/api/v1/webhooks/: an organisation's members manage its endpoints; another organisation's
endpoint is 404; bad URLs and unknown event types are 400 with a message; the secret is shown
on creation and rotation only."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.models import AuditEvent, Organisation
from tests.factories.core import purchaser_user, regulator_user
from tests.factories.webhooks import endpoint
from webhooks.models import Endpoint, WebhookDelivery
from webhooks.signing import verify_signature

pytestmark = pytest.mark.django_db
HTTPS = "https://case.example.gov.cn/hooks/marketplace"


def client_of(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_member_creates_lists_reads_changes_and_deletes_an_endpoint():
    user = purchaser_user()
    api = client_of(user)
    made = api.post("/api/v1/webhooks/", {"url": HTTPS, "event_types": ["award.made"],
                                          "description": "审批系统"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    hook = Endpoint.objects.get()
    assert body["secret"] == hook.secret and body["url"] == HTTPS
    assert hook.organisation == user.member.organisation
    listed = api.get("/api/v1/webhooks/").json()
    assert [e["id"] for e in listed] == [hook.pk] and "secret" not in listed[0]
    one = api.get(f"/api/v1/webhooks/{hook.pk}/").json()
    assert one["event_types"] == ["award.made"] and "secret" not in one
    changed = api.patch(f"/api/v1/webhooks/{hook.pk}/", {"event_types": ["*"], "active": False},
                        format="json")
    assert changed.status_code == 200 and changed.json()["event_types"] == ["*"]
    assert changed.json()["active"] is False and "secret" not in changed.json()
    assert api.delete(f"/api/v1/webhooks/{hook.pk}/").status_code == 204
    assert not Endpoint.objects.exists()
    actions = list(AuditEvent.objects.filter(action__startswith="webhook.")
                   .values_list("action", flat=True))
    assert actions == ["webhook.created", "webhook.updated", "webhook.deleted"]
    assert all(hook.secret not in str(e.data)
               for e in AuditEvent.objects.filter(action__startswith="webhook."))


def test_another_organisations_endpoint_is_not_found_for_every_verb():
    theirs = endpoint(HTTPS)
    api = client_of(purchaser_user())
    base = f"/api/v1/webhooks/{theirs.pk}/"
    calls = [api.get(base), api.patch(base, {"active": False}, format="json"), api.delete(base),
             api.post(base + "rotate-secret/"), api.post(base + "test/"),
             api.get(base + "deliveries/")]
    assert [r.status_code for r in calls] == [404] * 6
    assert calls[0].json()["detail"] == "没有该回调地址。"  # the API speaks Chinese by default
    assert api.get("/api/v1/webhooks/").json() == []
    theirs.refresh_from_db()
    assert theirs.active and not WebhookDelivery.objects.exists()


def test_anonymous_callers_are_refused():
    api = APIClient()
    assert api.get("/api/v1/webhooks/").status_code == 401
    assert api.post("/api/v1/webhooks/", {"url": HTTPS, "event_types": ["*"]},
                    format="json").status_code == 401


@pytest.mark.parametrize("url", ["http://case.example.gov.cn/hook", "ftp://example.cn/x",
                                 "https://", "not a url", "https://user:pw@example.cn/hook",
                                 "http://10.0.0.8/hook", "https://example.cn:port/x",
                                 "https://192.168.1.10/hook", "https://169.254.169.254/latest",
                                 "https://[fd00::1]/hook"])
def test_a_bad_url_is_a_400_with_a_message(url):
    response = client_of(purchaser_user()).post(
        "/api/v1/webhooks/", {"url": url, "event_types": ["*"]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and "url" in body["errors"]
    assert not Endpoint.objects.exists()


def test_plain_http_to_localhost_only_while_testing_or_debugging(settings):
    api = client_of(purchaser_user())
    local = {"url": "http://127.0.0.1:8080/hook", "event_types": ["*"]}
    assert api.post("/api/v1/webhooks/", local, format="json").status_code == 201
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.DEBUG = False
    refused = api.post("/api/v1/webhooks/", {**local, "url": "http://localhost/hook"},
                       format="json")
    assert refused.status_code == 400
    assert "https://" in refused.json()["detail"]
    assert api.post("/api/v1/webhooks/", {"url": HTTPS, "event_types": ["*"]},
                    format="json").status_code == 201


def test_unknown_event_types_are_refused_naming_them():
    api = client_of(purchaser_user())
    response = api.post("/api/v1/webhooks/", {"url": HTTPS,
                                              "event_types": ["award.made", "bid.placed"]},
                        format="json")
    assert response.status_code == 400
    body = response.json()
    assert "bid.placed" in body["detail"] and "bid.placed" in body["errors"]["event_types"][0]
    assert "event_types" in body["errors"]
    empty = api.post("/api/v1/webhooks/", {"url": HTTPS, "event_types": []}, format="json")
    assert empty.status_code == 400 and "event_types" in empty.json()["errors"]
    typo = api.post("/api/v1/webhooks/", {"url": HTTPS, "event_types": ["*"], "secret": "x"},
                    format="json")
    assert typo.status_code == 400 and "secret" in typo.json()["errors"]


def test_rotating_the_secret_shows_the_new_one_once_and_the_old_one_stops_signing(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    hook = endpoint(receiver.url, organisation=user.member.organisation)
    old = hook.secret
    api = client_of(user)
    rotated = api.post(f"/api/v1/webhooks/{hook.pk}/rotate-secret/")
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    hook.refresh_from_db()
    assert new == hook.secret != old
    assert AuditEvent.objects.filter(action="webhook.secret_rotated",
                                     object_id=str(hook.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/webhooks/{hook.pk}/test/").status_code == 202
    request, = receiver.received
    header = request.headers["X-Marketplace-Signature"]
    assert verify_signature(new, header, request.body)
    assert not verify_signature(old, header, request.body)


def test_the_test_action_sends_a_ping_and_the_log_shows_it(receiver,
                                                           django_capture_on_commit_callbacks):
    user = regulator_user()
    hook = endpoint(receiver.url, organisation=user.member.organisation,
                    event_types=["award.made"])
    api = client_of(user)
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/webhooks/{hook.pk}/test/")
    assert response.status_code == 202 and response.json()["kind"] == "webhook.ping"
    request, = receiver.received
    assert request.headers["X-Marketplace-Event"] == "webhook.ping"
    log = api.get(f"/api/v1/webhooks/{hook.pk}/deliveries/")
    assert log.status_code == 200
    row, = log.json()["results"]
    assert row["kind"] == "webhook.ping" and row["status"] == "pending"
    assert row["last_status_code"] == 500 and row["attempts"] == 1
    assert [a["status_code"] for a in row["attempt_log"]] == [500]
    assert row["attempt_log"][0]["response_ms"] is not None
    assert AuditEvent.objects.filter(action="webhook.pinged").count() == 1


def test_an_inactive_endpoint_is_not_pinged():
    user = purchaser_user()
    hook = endpoint(HTTPS, organisation=user.member.organisation)
    api = client_of(user)
    api.patch(f"/api/v1/webhooks/{hook.pk}/", {"active": False}, format="json")
    response = api.post(f"/api/v1/webhooks/{hook.pk}/test/")
    assert response.status_code == 400 and "已停用" in response.json()["detail"]


def test_a_member_of_another_kind_of_organisation_manages_its_own_too():
    regulator = regulator_user()
    api = client_of(regulator)
    made = api.post("/api/v1/webhooks/", {"url": HTTPS, "event_types": ["award.made"]},
                    format="json")
    assert made.status_code == 201
    assert Endpoint.objects.get().organisation.kind == Organisation.Kind.REGULATOR
