"""Who gets what on which channel: the defaults for a person who never chose, the settings
page and the API, and the batch read that keeps notify()'s cost flat."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import TestCase
from rest_framework.test import APIClient

from core.audit import event_for
from notifications.channel_registry import channel_named
from notifications.models import ChannelPreference, Delivery, Notification, NotificationSettings
from notifications.outbox import notify
from notifications.selectors.preferences import choices_of, kinds_for
from notifications.services.preferences import notification_settings_update
from tests.factories.core import MemberFactory, OrganisationFactory, purchaser_user

pytestmark = pytest.mark.django_db
AWARD = {"project": "某片区环评", "agency": "甲测绘有限公司"}


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def notified(users, kind="award.made", key="award.made:1", data=AWARD):
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(kind, to=users, data=data, url="/awards/1/", key=key)


def channels_of(user) -> set[str]:
    return set(Delivery.objects.filter(notification__user=user).values_list("channel",
                                                                             flat=True))


def test_defaults_without_a_settings_row_inbox_and_email_on_sms_only_urgent():
    user = purchaser_user()
    assert not NotificationSettings.objects.filter(user=user).exists()
    choices = choices_of(user)
    assert choices.language == "zh-hans" and choices.mobile == ""
    assert choices.enabled("award.made", "inbox") and choices.enabled("award.made", "email")
    assert not choices.enabled("award.made", "sms")
    assert choices.enabled("contract.deadline_near", "sms")  # urgent
    assert not choices.reaches("contract.deadline_near", "sms")  # … but no number
    notified([user])
    assert channels_of(user) == {"inbox", "email"}


def test_an_urgent_kind_goes_by_sms_by_default_once_a_number_is_given():
    user = purchaser_user()
    notification_settings_update(actor=user, user=user, mobile="138 0013 8000")
    assert NotificationSettings.objects.get(user=user).mobile == "13800138000"
    notified([user], kind="contract.deadline_near", key="contract.deadline_near:1",
             data={"project": "P", "deadline": "12月5日"})
    assert channels_of(user) == {"inbox", "email", "sms"}


def test_email_turned_off_for_a_kind_or_as_a_whole_keeps_the_inbox():
    kind_off, all_off, default = purchaser_user(), purchaser_user(), purchaser_user()
    notification_settings_update(actor=kind_off, user=kind_off,
                                 kinds=[("award.made", "email", False)])
    notification_settings_update(actor=all_off, user=all_off, channels={"email": False})
    notified([kind_off, all_off, default])
    assert channels_of(kind_off) == channels_of(all_off) == {"inbox"}
    assert channels_of(default) == {"inbox", "email"}
    assert [m.to for m in mail.outbox] == [[default.email]]
    notified([kind_off], kind="signup.closed", key="signup.closed:1",
             data={"project": "P", "count": 3})
    assert Delivery.objects.filter(notification__user=kind_off, channel="email",
                                   notification__kind="signup.closed").exists()


def test_turning_email_off_after_the_intent_sends_nothing():
    user = purchaser_user()
    with TestCase.captureOnCommitCallbacks(execute=False):
        notify("award.made", to=[user], data=AWARD, key="award.made:5")
    notification_settings_update(actor=user, user=user, kinds=[("award.made", "email", False)])
    delivery = Delivery.objects.get(channel="email")
    from notifications.services.delivery import delivery_send
    assert delivery_send(delivery_id=delivery.pk) is True
    assert mail.outbox == []


def test_settings_service_refuses_bad_input_and_others_and_audits_changes():
    from core.errors import NotAllowed, ValidationFailed
    user, other = purchaser_user(), purchaser_user()
    for bad in ("12345", "2380013800", "1280013800a", "138001380001"):
        with pytest.raises(ValidationFailed) as refused:
            notification_settings_update(actor=user, user=user, mobile=bad)
        assert "mobile" in refused.value.fields
    with pytest.raises(ValidationFailed, match="cannot be turned off"):
        notification_settings_update(actor=user, user=user, kinds=[("award.made", "inbox",
                                                                     False)])
    with pytest.raises(ValidationFailed):
        notification_settings_update(actor=user, user=user, channels={"fax": True})
    with pytest.raises(ValidationFailed):  # a kind meant for agencies only
        notification_settings_update(actor=user, user=user,
                                     kinds=[("posting.invitation", "email", False)])
    with pytest.raises(ValidationFailed):
        notification_settings_update(actor=user, user=user, language="fr")
    with pytest.raises(NotAllowed):
        notification_settings_update(actor=other, user=user, mobile="13800138000")
    assert not ChannelPreference.objects.exists()
    row = notification_settings_update(actor=user, user=user, mobile="+86 139-0013-9000",
                                       language="en", kinds=[("award.made", "email", False)])
    event = event_for(row, "notification_settings.changed")
    assert event.data["changed"] == {"mobile": ["", "13900139000"], "language": ["zh-hans", "en"],
                                     "award.made/email": False}


def test_the_batch_read_costs_two_queries_whatever_the_number_of_recipients(
        django_assert_num_queries):
    org = OrganisationFactory()
    for _i in range(25):
        MemberFactory(organisation=org)
    users = [m.user for m in org.members.all()]
    notification_settings_update(actor=users[0], user=users[0],
                                 kinds=[("award.made", "email", False)])
    with TestCase.captureOnCommitCallbacks(execute=False):
        notify("award.made", to=[org], data=AWARD, key="award.made:9")
    made = list(Notification.objects.filter(key="award.made:9"))
    for name in ("email", "sms"):
        with django_assert_num_queries(2):
            wanted = channel_named(name).wanted(made)
        assert len(wanted) == (24 if name == "email" else 0)


def test_kinds_listed_are_those_of_the_persons_role():
    assert "posting.invitation" not in kinds_for(purchaser_user())
    assert {"award.made", "contract.deadline_near"} <= set(kinds_for(purchaser_user()))


# --- the page --------------------------------------------------------------------------------

def test_settings_page_lists_my_kinds_and_saves_with_an_audit(client):
    user = purchaser_user()
    client.force_login(user)
    inbox = client.get("/notifications/").content.decode()
    assert 'href="/notifications/settings/"' in inbox
    page = client.get("/notifications/settings/")
    html = page.content.decode()
    assert page.status_code == 200 and "通知设置" in html
    assert 'data-kind="award.made"' in html and 'data-kind="posting.invitation"' not in html
    assert re.search(r"id=\"id_sms:contract.deadline_near\" checked", html)  # urgent: on
    assert re.search(r"id=\"id_sms:award.made\">", html)
    # the form as the page sends it: every box as it was, but e-mail for awards turned off
    form = {"mobile": "13800138000", "language": "en", "all:email": "on", "all:sms": "on"}
    for kind, spec in kinds_for(user).items():
        if kind != "award.made":
            form[f"email:{kind}"] = "on"
        if spec.urgent:
            form[f"sms:{kind}"] = "on"
    response = client.post("/notifications/settings/", form)
    assert response.status_code == 302
    choices = choices_of(user)
    assert (choices.mobile, choices.language) == ("13800138000", "en")
    assert not choices.enabled("award.made", "email")
    assert choices.enabled("signup.closed", "email")
    assert event_for(NotificationSettings.objects.get(user=user),
                     "notification_settings.changed") is not None
    # only the choice that differs from the default is stored
    assert list(ChannelPreference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled")) == [("award.made", "email", False)]


def test_a_wrong_mobile_number_is_a_form_error_on_the_page(client):
    user = purchaser_user()
    client.force_login(user)
    response = client.post("/notifications/settings/", {"mobile": "12345", "language": "zh-hans",
                                                        "all:email": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_mobile_errors"' in html and "11位数字" in html
    assert not NotificationSettings.objects.filter(user=user).exists()


def test_settings_page_needs_sign_in(client):
    assert client.get("/notifications/settings/").status_code == 302


# --- the API ---------------------------------------------------------------------------------

def test_api_reads_and_changes_preferences():
    user = purchaser_user()
    api = api_as(user)
    body = api.get("/api/v1/notifications/preferences/").json()
    assert body["mobile"] == "" and body["language"] == "zh-hans" and body["email"] == user.email
    rows = {(r["kind"], r["channel"]): r for r in body["kinds"]}
    assert rows[("award.made", "inbox")]["locked"] is True
    assert rows[("award.made", "email")]["enabled"] is True
    assert rows[("award.made", "sms")]["enabled"] is False
    assert rows[("contract.deadline_near", "sms")]["enabled"] is True
    assert ("posting.invitation", "email") not in rows
    changed = api.put("/api/v1/notifications/preferences/", {
        "mobile": "13800138000", "channels": [{"channel": "sms", "enabled": False}],
        "kinds": [{"kind": "award.made", "channel": "email", "enabled": False}]},
        format="json")
    assert changed.status_code == 200
    body = changed.json()
    rows = {(r["kind"], r["channel"]): r["enabled"] for r in body["kinds"]}
    assert body["mobile"] == "13800138000" and body["language"] == "zh-hans"
    assert rows[("award.made", "email")] is False and rows[("contract.deadline_near", "sms")] is False
    assert {"channel": "sms", "enabled": False} in body["channels"]


def test_api_refuses_a_wrong_number_the_inbox_off_and_unknown_fields_with_400():
    api = api_as(purchaser_user())
    bad = api.put("/api/v1/notifications/preferences/", {"mobile": "0271234567"}, format="json")
    assert bad.status_code == 400 and "mobile" in bad.json()["errors"]
    inbox = api.put("/api/v1/notifications/preferences/", {
        "kinds": [{"kind": "award.made", "channel": "inbox", "enabled": False}]}, format="json")
    assert inbox.status_code == 400 and "不能关闭" in inbox.json()["detail"]
    assert api.put("/api/v1/notifications/preferences/", {"mobil": "1"},
                   format="json").status_code == 400
    assert APIClient().get("/api/v1/notifications/preferences/").status_code in (401, 403)


def test_notify_costs_the_same_queries_for_5_and_for_40_recipients():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(n: int, key: str) -> int:
        org = OrganisationFactory()
        for _i in range(n):
            MemberFactory(organisation=org)
        with CaptureQueriesContext(connection) as queries:
            with TestCase.captureOnCommitCallbacks(execute=False):
                notify("award.made", to=[org], data=AWARD, key=key)
        return len(queries)

    assert cost(5, "award.made:a") == cost(40, "award.made:b")
