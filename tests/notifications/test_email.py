"""The e-mail channel against a real SMTP server (aiosmtpd on a free local port): one message
per intent, in the reader's language, with the link, the one-click unsubscribe headers
(RFC 8058) and a Message-ID from the idempotency key; never sent twice; a refusal is retried
with backoff."""
from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.test import TestCase, override_settings
from django.utils import timezone

from notifications.kinds import render
from notifications.models import Delivery, NotificationSettings
from notifications.outbox import notify
from notifications.services.delivery import delivery_send
from tests.factories.core import purchaser_user

pytestmark = pytest.mark.django_db
DATA = {"project": "某片区控制性详细规划环评", "agency": "甲测绘有限公司"}


class Recorder:
    """Keeps every message it accepts; refuses the next ``refuse`` ones with a 451."""

    def __init__(self):
        self.messages = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 try again later"
        self.messages.append((envelope.rcpt_tos,
                              email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_HOST_USER="",
                               EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False,
                               EMAIL_USE_SSL=False, EMAIL_TIMEOUT=5,
                               SITE_URL="https://zjcs.example.gov.cn"):
            yield recorder
    finally:
        controller.stop()


def sent_to(user, *, key="award.made:7", kind="award.made", data=DATA, url="/awards/7/"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(kind, to=[user], data=data, url=url, key=key)
    return Delivery.objects.get(notification__user=user, notification__key=key, channel="email")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_an_intent_reaches_the_smtp_server_once_in_chinese_with_link_and_unsubscribe(smtp):
    user = purchaser_user()
    delivery = sent_to(user)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert len(smtp.messages) == 1
    rcpt, message = smtp.messages[0]
    assert rcpt == [user.email]
    title_zh, body_zh = render("award.made", DATA, "zh-hans")
    assert message["Subject"] == title_zh and "Award" not in title_zh
    text = text_of(message)
    assert body_zh in text and "https://zjcs.example.gov.cn/awards/7/" in text
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # folded: it is long
    assert unsubscribe.startswith("<https://zjcs.example.gov.cn/notifications/unsubscribe/")
    assert unsubscribe.strip("<>") in text  # the footer's link is the header's
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    key = f"notification-{delivery.notification_id}-email"
    assert message["Message-ID"] == f"<{key}@zjcs.example.gov.cn>"
    assert message["X-Idempotency-Key"] == key
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'href="https://zjcs.example.gov.cn/awards/7/"' in html and "甲测绘有限公司" in html


def test_an_english_reader_gets_the_message_in_english(smtp):
    user = purchaser_user()
    NotificationSettings.objects.create(user=user, language="en")
    sent_to(user)
    (_rcpt, message), = smtp.messages
    assert message["Subject"] == "Award made"
    text = text_of(message)
    assert "was selected" in text and "Stop e-mails like this one" in text


def test_a_repeated_send_of_the_same_delivery_sends_nothing_twice(smtp):
    delivery = sent_to(purchaser_user())
    assert delivery_send(delivery_id=delivery.pk) is False
    assert delivery_send(delivery_id=delivery.pk) is False
    assert len(smtp.messages) == 1


def test_a_refusing_server_leaves_the_delivery_pending_with_a_later_attempt(smtp):
    smtp.refuse = 1
    before = timezone.now()
    delivery = sent_to(purchaser_user())
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert "451" in delivery.last_error
    assert delivery.next_attempt_at > before + timezone.timedelta(seconds=40)
    assert smtp.messages == []
    assert delivery_send(delivery_id=delivery.pk) is True
    assert len(smtp.messages) == 1


def test_no_address_no_email_delivery(smtp):
    user = purchaser_user()
    user.email = ""
    user.save(update_fields=["email"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify("award.made", to=[user], data=DATA, key="award.made:8")
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["inbox"]
    assert smtp.messages == []


def test_the_header_link_unsubscribes_in_one_click_and_the_next_event_sends_no_email(smtp):
    from django.test import Client

    user = purchaser_user()
    sent_to(user)
    (_rcpt, message), = smtp.messages
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    path = url.removeprefix("https://zjcs.example.gov.cn")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify("award.made", to=[user], data=DATA, url="/awards/8/", key="award.made:8")
    assert len(smtp.messages) == 1
    assert not Delivery.objects.filter(notification__key="award.made:8",
                                       channel="email").exists()
