"""Webhook deliveries end to end: notify() → a delivery row in the caller's transaction → after
commit the (eager) worker POSTs a signed body to a real HTTP server on 127.0.0.1
(tests/webhooks/conftest.py), retries with backoff, logs every attempt."""
from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.errors import NotAllowed
from core.models import AuditEvent, Organisation
from notifications.outbox import notify
from tests.factories.core import MemberFactory, OrganisationFactory, purchaser_user
from tests.factories.webhooks import endpoint
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.services.sending import backoff, webhook_deliveries_retry, webhook_delivery_replay
from webhooks.signing import verify_signature

pytestmark = pytest.mark.django_db
DATA = {"project": "某片区控制性详细规划环评", "agency": "甲测绘有限公司"}
Status = WebhookDelivery.Status


def award_made(to, key="award.made:41", url="/awards/41/"):
    return notify("award.made", to=to, data=DATA, url=url, key=key)


def make_due(delivery: WebhookDelivery) -> None:
    """Time passes: the delivery's backoff is over."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_subscribed_event_is_posted_once_signed_with_the_endpoints_secret(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    hook = endpoint(receiver.url, organisation=user.member.organisation,
                    event_types=["award.made"])
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    assert len(receiver.received) == 1
    request = receiver.received[0]
    delivery = WebhookDelivery.objects.get()
    assert request.path == "/hook"
    assert request.headers["X-Marketplace-Event"] == "award.made"
    assert request.headers["X-Marketplace-Delivery"] == str(delivery.pk)
    assert request.headers["Content-Type"].startswith("application/json")
    assert verify_signature(hook.secret, request.headers["X-Marketplace-Signature"],
                            request.body)
    body = json.loads(request.body)
    assert body["id"] == delivery.pk and body["type"] == "award.made"
    assert dt.datetime.fromisoformat(body["created"]) <= timezone.now()
    assert body["data"] == {**DATA, "object_type": "", "object_id": "",
                            "url": "https://zjcs.example.gov.cn/awards/41/"}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.SENT, 1, 200)
    assert delivery.sent_at is not None and delivery.last_response_ms is not None
    attempt, = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempt.status_code == 200 and attempt.response_ms >= 0 and attempt.error == ""


def test_the_signature_fails_when_the_body_is_tampered_or_the_request_is_stale(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    hook = endpoint(receiver.url, organisation=user.member.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    request = receiver.received[0]
    header = request.headers["X-Marketplace-Signature"]
    t = int(header.split(",")[0].removeprefix("t="))
    assert verify_signature(hook.secret, header, request.body, now=t + 299)
    assert not verify_signature(hook.secret, header, request.body.replace(b"41", b"42"), now=t)
    assert not verify_signature(hook.secret, header, request.body, now=t + 301)


def test_a_500_is_retried_with_a_growing_backoff_and_every_attempt_is_logged(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    receiver.answer(500, 503)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    delivery = WebhookDelivery.objects.get()
    first = delivery.next_attempt_at - WebhookAttempt.objects.get().at
    assert delivery.status == Status.PENDING and delivery.last_status_code == 500
    assert dt.timedelta(seconds=26) < first < dt.timedelta(seconds=34)
    assert webhook_deliveries_retry() == 0  # not due yet: nothing is posted
    assert len(receiver.received) == 1

    make_due(delivery)
    call_command("webhooks_retry")  # the periodic step
    delivery.refresh_from_db()
    second = delivery.next_attempt_at - WebhookAttempt.objects.order_by("pk").last().at
    assert delivery.status == Status.PENDING and delivery.last_status_code == 503
    assert second > first and dt.timedelta(seconds=53) < second < dt.timedelta(seconds=67)

    make_due(delivery)
    call_command("webhooks_retry")
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT and delivery.attempts == 3
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("pk"))
    assert [a.status_code for a in log] == [500, 503, 200]
    assert all(a.response_ms is not None and a.response_ms >= 0 for a in log)
    assert "receiver says no" in log[0].error and log[2].error == ""
    # the same delivery id each time: the receiver's idempotency key
    assert {r.headers["X-Marketplace-Delivery"] for r in receiver.received} == {str(delivery.pk)}


def test_a_delivery_fails_after_the_last_attempt(receiver, settings,
                                                 django_capture_on_commit_callbacks):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    receiver.answer(500, 500, 500)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    delivery = WebhookDelivery.objects.get()
    make_due(delivery)
    webhook_deliveries_retry()
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED and delivery.attempts == 2
    make_due(delivery)
    assert webhook_deliveries_retry() == 0
    assert len(receiver.received) == 2


def test_an_unreachable_endpoint_is_logged_with_the_error_and_no_status(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    url = receiver.url
    receiver.server.shutdown()
    receiver.server.server_close()  # nobody listens on that port any more
    endpoint(url, organisation=user.member.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    delivery = WebhookDelivery.objects.get()
    attempt = WebhookAttempt.objects.get()
    assert delivery.status == Status.PENDING and delivery.last_status_code is None
    assert attempt.status_code is None and attempt.error and attempt.response_ms is not None


def test_the_same_event_key_notified_twice_makes_one_delivery(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
        award_made([user.member.organisation])
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.received) == 1


def test_a_rolled_back_notify_delivers_nothing(receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                award_made([user])
                raise RuntimeError("the service failed after notifying")
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_an_organisation_without_members_still_gets_its_webhook(
        receiver, django_capture_on_commit_callbacks):
    org = OrganisationFactory(kind=Organisation.Kind.AGENCY)
    hook = endpoint(receiver.url, organisation=org)
    org.members.all().delete()  # the member who set it up left: nobody to notify in person
    with django_capture_on_commit_callbacks(execute=True):
        assert award_made([org]) == 0
    assert WebhookDelivery.objects.get().endpoint == hook
    assert len(receiver.received) == 1


def test_replay_sends_again_logs_the_attempt_and_is_audited(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_replay(actor=user, delivery=delivery)
    delivery.refresh_from_db()
    assert len(receiver.received) == 2 and delivery.status == Status.SENT
    assert delivery.attempts == 2 and WebhookAttempt.objects.filter(delivery=delivery).count() == 2
    event = AuditEvent.objects.get(action="webhook.delivery_replayed")
    assert event.actor == user and event.object_id == str(delivery.pk)
    assert event.data["status"] == ["sent", "pending"]


def test_only_the_endpoints_organisation_or_a_superuser_replays(receiver,
                                                                 django_capture_on_commit_callbacks):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(NotAllowed):
        webhook_delivery_replay(actor=purchaser_user(), delivery=delivery)
    assert not AuditEvent.objects.filter(action="webhook.delivery_replayed").exists()


def test_an_endpoint_of_an_organisation_not_addressed_gets_nothing(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    endpoint(receiver.url, kind=Organisation.Kind.PURCHASER)  # someone else's
    endpoint(receiver.url, kind=Organisation.Kind.AGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
        notify("signup.closed", to=[user], data={"project": "P", "count": 3},
               key="signup.closed:5")
    assert not WebhookDelivery.objects.exists() and receiver.received == []


def test_an_endpoint_gets_only_the_kinds_it_chose(receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation, event_types=["signup.closed"])
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
        notify("signup.closed", to=[user], data={"project": "P", "count": 3},
               key="signup.closed:5")
    assert list(WebhookDelivery.objects.values_list("kind", flat=True)) == ["signup.closed"]
    assert [r.headers["X-Marketplace-Event"] for r in receiver.received] == ["signup.closed"]


def test_regulators_and_approval_departments_receive_public_kinds_only(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    regulator = endpoint(receiver.url, kind=Organisation.Kind.REGULATOR)
    approval = endpoint(receiver.url, kind=Organisation.Kind.APPROVAL,
                        event_types=["award.made", "signup.closed"])
    endpoint(receiver.url, kind=Organisation.Kind.AGENCY)  # an agency is no observer
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])  # public: the award notice
        notify("signup.closed", to=[user], data={"project": "P", "count": 3},
               key="signup.closed:5")  # how many signed up: for those addressed only
    assert sorted(WebhookDelivery.objects.values_list("endpoint_id", "kind")) == [
        (regulator.pk, "award.made"), (approval.pk, "award.made")]
    assert len(receiver.received) == 2


def test_an_inactive_endpoint_gets_nothing(receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    hook = endpoint(receiver.url, organisation=user.member.organisation)
    hook.active = False
    hook.save(update_fields=["active"])
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user])
    assert not WebhookDelivery.objects.exists()


def test_the_addressed_organisations_are_those_named_and_those_of_the_users_named(
        receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    agency_org = OrganisationFactory(kind=Organisation.Kind.AGENCY)
    MemberFactory(organisation=agency_org)
    mine = endpoint(receiver.url, organisation=user.member.organisation)
    theirs = endpoint(receiver.url, organisation=agency_org)
    with django_capture_on_commit_callbacks(execute=True):
        award_made([user, agency_org])
    assert sorted(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == sorted(
        [mine.pk, theirs.pk])


def test_backoff_doubles_with_jitter_and_stops_at_six_hours():
    rng = random.Random(7)
    seconds = [backoff(n, rng=rng).total_seconds() for n in range(1, 14)]
    assert 27 <= seconds[0] <= 33 and 54 <= seconds[1] <= 66 and 108 <= seconds[2] <= 132
    assert all(b > a for a, b in zip(seconds[:9], seconds[1:10], strict=True))
    assert max(seconds) == seconds[-1] == 6 * 3600
