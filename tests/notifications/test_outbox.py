"""The outbox: notify() writes intents in the caller's transaction and the worker (eager here,
tests/conftest.py) delivers each once to the inbox."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from core.models import Organisation
from notifications import channel_registry
from notifications.kinds import KindSpec, register_kinds, render
from notifications.models import Delivery, InboxItem, Notification
from notifications.outbox import notify
from notifications.services.delivery import deliveries_retry, delivery_send
from tests.factories.core import MemberFactory, OrganisationFactory, purchaser_user

pytestmark = pytest.mark.django_db

DATA = {"project": "某片区环评", "agency": "甲测绘有限公司"}


def organisation_with(n: int) -> Organisation:
    org = OrganisationFactory(kind=Organisation.Kind.AGENCY)
    for _i in range(n):
        MemberFactory(organisation=org)
    return org


def test_notify_inside_a_rolled_back_transaction_writes_and_sends_nothing(
        django_capture_on_commit_callbacks):
    user = purchaser_user()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                assert notify("award.made", to=[user], data=DATA, key="award.made:1") == 1
                raise RuntimeError("the service failed after notifying")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not InboxItem.objects.exists()


def test_a_committed_notify_reaches_each_member_of_an_organisation_once(
        django_capture_on_commit_callbacks):
    org = organisation_with(3)
    member = org.members.first().user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # the organisation and one of its members named again: still one each
        made = notify("award.made", to=[org, member], data=DATA, key="award.made:7",
                      url="/awards/7/")
    assert made == 3
    assert len(callbacks) == 1 + 3  # the enqueue, then each recipient's unread-count push
    users = sorted(org.members.values_list("user_id", flat=True))
    assert sorted(InboxItem.objects.values_list("user_id", flat=True)) == users
    # the factory's users have an e-mail address: the inbox and e-mail channels each once
    assert set(Delivery.objects.values_list("channel", "status")) == {("inbox", "sent"),
                                                                      ("email", "sent")}
    assert Delivery.objects.count() == 3 * 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        org.members.values_list("user__email", flat=True))
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_the_same_event_key_notified_twice_is_delivered_once(django_capture_on_commit_callbacks):
    user = purchaser_user()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify("signup.closed", to=[user], data={"project": "P", "count": 3},
                      key="signup.closed:5") == 1
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert notify("signup.closed", to=[user], data={"project": "P", "count": 3},
                      key="signup.closed:5") == 0
    assert again == []
    assert Notification.objects.count() == Delivery.objects.filter(channel="inbox").count() == 1
    assert len(mail.outbox) == 1
    assert InboxItem.objects.filter(user=user).count() == 1


def test_a_delivery_sent_twice_lands_in_the_inbox_once(django_capture_on_commit_callbacks):
    user = purchaser_user()
    with django_capture_on_commit_callbacks(execute=True):
        notify("award.made", to=[user], data=DATA, key="award.made:9")
    delivery = Delivery.objects.get(channel="inbox")
    assert delivery_send(delivery_id=delivery.pk) is False  # already sent: a no-op
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING)
    assert delivery_send(delivery_id=delivery.pk) is True   # redelivered at least once …
    assert InboxItem.objects.count() == 1                   # … the inbox holds it once


def test_pending_deliveries_are_sent_by_the_retry_step(django_capture_on_commit_callbacks):
    """The broker was down: the intents committed, their task never ran."""
    users = [purchaser_user() for _i in range(3)]
    with django_capture_on_commit_callbacks(execute=False):
        notify("contract.deadline_near", to=users, data={"project": "P", "deadline": "12月5日"},
               key="contract.deadline_near:3")
    assert InboxItem.objects.count() == 0
    assert deliveries_retry(older_than=dt.timedelta(0)) == 3 * 2  # inbox and e-mail
    assert InboxItem.objects.count() == 3
    assert deliveries_retry(older_than=dt.timedelta(0)) == 0


def test_a_failing_channel_leaves_the_delivery_pending_with_its_error(
        monkeypatch, django_capture_on_commit_callbacks):
    def broken(delivery):
        raise ConnectionError("provider down")

    monkeypatch.setitem(channel_registry._CHANNELS, "inbox",
                        channel_registry.Channel("inbox", send=broken))
    user = purchaser_user()
    with django_capture_on_commit_callbacks(execute=True):
        notify("award.made", to=[user], data=DATA, key="award.made:11")
    delivery = Delivery.objects.get(channel="inbox")
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert "provider down" in delivery.last_error
    assert not InboxItem.objects.exists()


def test_unregistered_kind_and_missing_key_are_refused_before_writing():
    user = purchaser_user()
    with pytest.raises(LookupError):
        notify("nothing.happened", to=[user], key="x:1")
    with pytest.raises(ValueError):
        notify("award.made", to=[user], key="")
    with pytest.raises(TypeError):
        notify("award.made", to=["someone"], key="award.made:2")
    assert not Notification.objects.exists()


def test_texts_render_in_the_readers_language_chinese_first():
    title_zh, body_zh = render("award.made", DATA, "zh-hans")
    title_en, body_en = render("award.made", DATA, "en")
    assert title_en == "Award made" and "甲测绘有限公司" in body_en
    assert title_zh != title_en and "某片区环评" in body_zh and "Award" not in title_zh


def test_registering_a_kind_twice_differently_is_refused():
    with pytest.raises(ValueError):
        register_kinds({"award.made": KindSpec(title="Other", body="y")})
