"""The SMS channel against a real HTTP gateway (``http.server`` in a thread): the JSON and the
authentication arrive; a 500 leaves the delivery pending with its next attempt later
(backoff), and the retry step sends it once it is due. On by default for urgent kinds only."""
from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import TestCase, override_settings
from django.utils import timezone

from notifications.models import Delivery, NotificationSettings
from notifications.outbox import notify
from notifications.services.delivery import BACKOFF_CAP, backoff_delay, deliveries_retry
from notifications.sms import HttpSmsBackend, SmsError
from tests.factories.core import purchaser_user

pytestmark = pytest.mark.django_db
DEADLINE = {"project": "某片区环评", "deadline": "12月5日"}


class Gateway:
    def __init__(self):
        self.requests = []   # (path, headers, body)
        self.statuses = []   # answers to give, in order; then 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((self.path, dict(self.headers), json.loads(body)))
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def gateway():
    gw = Gateway()
    gw.thread.start()
    try:
        with override_settings(SMS_URL=f"http://sms-user:s3cr%40t@127.0.0.1:{gw.port}/send",
                               SMS_TIMEOUT=5, SITE_URL="https://zjcs.example.gov.cn"):
            yield gw
    finally:
        gw.server.shutdown()
        gw.server.server_close()


def with_mobile(mobile="13800138000"):
    user = purchaser_user()
    NotificationSettings.objects.create(user=user, mobile=mobile)
    return user


def notified(user, kind="contract.deadline_near", key="contract.deadline_near:3", data=DEADLINE):
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(kind, to=[user], data=data, url="/projects/3/", key=key)


def test_an_urgent_kind_reaches_the_gateway_with_json_and_basic_auth(gateway):
    user = with_mobile()
    notified(user)
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == Delivery.Status.SENT
    (path, headers, body), = gateway.requests
    assert path == "/send"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"sms-user:s3cr@t").decode()
    assert body["to"] == "13800138000"
    assert body["idempotency_key"] == f"notification-{delivery.notification_id}-sms"
    assert body["text"].startswith("【中介服务网上交易平台】")  # Chinese by default
    assert body["text"].endswith("https://zjcs.example.gov.cn/projects/3/")


def test_a_gateway_500_leaves_it_pending_until_due_then_it_is_sent_once(gateway):
    gateway.statuses = [500]
    user = with_mobile()
    before = timezone.now()
    notified(user)
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert "500" in delivery.last_error and "s3cr" not in delivery.last_error
    assert delivery.next_attempt_at > before + dt.timedelta(seconds=40)
    assert deliveries_retry(older_than=dt.timedelta(0)) == 0  # not due yet: nothing tried
    assert len(gateway.requests) == 1
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert deliveries_retry(older_than=dt.timedelta(0)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert len(gateway.requests) == 2
    assert deliveries_retry(older_than=dt.timedelta(0)) == 0


def test_a_merely_informative_kind_sends_no_sms_by_default(gateway):
    user = with_mobile()
    notified(user, kind="award.made", key="award.made:3", data={"project": "P", "agency": "A"})
    assert not Delivery.objects.filter(channel="sms").exists()
    assert gateway.requests == []


def test_no_mobile_number_no_sms_even_for_an_urgent_kind(gateway):
    notified(purchaser_user())
    assert not Delivery.objects.filter(channel="sms").exists()


def test_a_bearer_token_url_and_an_unreachable_gateway(gateway):
    HttpSmsBackend(f"http://:tok123@127.0.0.1:{gateway.port}/v2/sms").send("13900139000", "t",
                                                                          "k-1")
    (path, headers, body), = gateway.requests
    assert path == "/v2/sms" and headers["Authorization"] == "Bearer tok123"
    assert body == {"to": "13900139000", "text": "t", "idempotency_key": "k-1"}
    with pytest.raises(SmsError):
        HttpSmsBackend("http://127.0.0.1:1/send", timeout=1).send("13900139000", "t", "k-2")


def test_backoff_doubles_from_a_minute_with_jitter_and_stops_at_six_hours():
    assert backoff_delay(1, jitter=0.5) == dt.timedelta(minutes=1)
    assert backoff_delay(2, jitter=0.5) == dt.timedelta(minutes=2)
    assert backoff_delay(4, jitter=0.0) == dt.timedelta(minutes=8) * 0.75
    assert backoff_delay(30, jitter=0.99) == BACKOFF_CAP
    spread = {backoff_delay(3) for _i in range(20)}
    assert len(spread) > 1 and all(dt.timedelta(minutes=3) <= d < dt.timedelta(minutes=5)
                                   for d in spread)
