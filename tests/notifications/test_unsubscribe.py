"""One-click unsubscribe from an e-mail's link: a confirmation page without sign-in, the
button, the RFC 8058 POST of mail clients (no CSRF token), the whole channel, a tampered
link."""
from __future__ import annotations

import pytest
from django.test import Client, TestCase

from core.audit import event_for
from notifications.models import ChannelPreference, Delivery
from notifications.outbox import notify
from notifications.unsubscribe import unsubscribe_token
from tests.factories.core import purchaser_user

pytestmark = pytest.mark.django_db
AWARD = {"project": "某片区环评", "agency": "甲测绘有限公司"}


def link(user, kind="award.made") -> str:
    return f"/notifications/unsubscribe/{unsubscribe_token(user_id=user.pk, kind=kind)}/"


def email_deliveries_after_notify(user, key) -> int:
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify("award.made", to=[user], data=AWARD, key=key)
    return Delivery.objects.filter(notification__user=user, notification__key=key,
                                   channel="email").count()


def test_get_shows_one_button_without_sign_in_and_changes_nothing(client):
    user = purchaser_user()
    page = client.get(link(user))
    html = page.content.decode()
    assert page.status_code == 200
    assert "不再接收关于" in html and 'value="kind"' in html and 'value="all"' in html
    assert not ChannelPreference.objects.exists()


def test_the_button_turns_that_kind_off_on_email_and_is_audited():
    user = purchaser_user()
    client = Client(enforce_csrf_checks=True)
    page = client.post(link(user), {"scope": "kind"})
    assert page.status_code == 200 and 'id="unsubscribe-done"' in page.content.decode()
    pref = ChannelPreference.objects.get(user=user)
    assert (pref.kind, pref.channel, pref.enabled) == ("award.made", "email", False)
    event = event_for(user, "notifications.unsubscribed")
    assert event.data == {"kind": "award.made", "channel": "email"} and event.actor == user
    assert email_deliveries_after_notify(user, "award.made:1") == 0
    assert client.post(link(user), {"scope": "kind"}).status_code == 200  # again: harmless
    assert ChannelPreference.objects.count() == 1


def test_the_rfc8058_one_click_post_of_a_mail_client():
    user = purchaser_user()
    client = Client(enforce_csrf_checks=True)
    response = client.post(link(user), "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not ChannelPreference.objects.get(user=user, kind="award.made").enabled


def test_stop_all_emails_turns_the_whole_channel_off(client):
    user = purchaser_user()
    page = client.post(link(user), {"scope": "all"})
    assert "任何邮件" in page.content.decode()
    assert not ChannelPreference.objects.get(user=user, kind="*", channel="email").enabled
    assert email_deliveries_after_notify(user, "award.made:2") == 0


def test_a_tampered_or_forged_link_is_a_400_page_with_a_clear_message(client):
    user, victim = purchaser_user(), purchaser_user()
    token = unsubscribe_token(user_id=user.pk, kind="award.made")
    body, sig = token.split(":", 1)
    forged = unsubscribe_token(user_id=victim.pk, kind="award.made").split(":", 1)[0]
    for bad in (token[:-2] + "xx", f"{forged}:{sig}", "nonsense"):
        for method in (client.get, client.post):
            page = method(f"/notifications/unsubscribe/{bad}/")
            assert page.status_code == 400
            assert "退订链接无效" in page.content.decode()
    assert not ChannelPreference.objects.exists()


def test_the_settings_and_unsubscribe_pages_render_entirely_in_chinese(client):
    from tests.marketplace.test_translations import _check_chinese

    user = purchaser_user()
    _check_chinese(client, link(user))
    client.force_login(user)
    _check_chinese(client, "/notifications/settings/")
