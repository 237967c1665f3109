"""Two workers, or two notifies of one event, at the same instant (PostgreSQL row locks and the
unique (endpoint, key)): the receiver gets one POST (docs/architecture.md, "Webhooks")."""
from __future__ import annotations

import pytest
from django.utils import timezone

from notifications.outbox import notify
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories.core import purchaser_user
from tests.factories.webhooks import endpoint
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.services.sending import webhook_delivery_send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, requires_postgres]


def test_four_workers_sending_one_due_delivery_at_once_post_it_once(receiver):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    receiver.answer(500)
    notify("award.made", to=[user], data={"project": "P", "agency": "A"}, key="award.made:1")
    delivery = WebhookDelivery.objects.get()  # committed, posted once (500), due later
    assert delivery.status == WebhookDelivery.Status.PENDING and len(receiver.received) == 1
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    results = at_once(4, lambda i: webhook_delivery_send(delivery_id=delivery.pk))
    assert sorted(results) == [False, False, False, True]
    assert len(receiver.received) == 2
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_the_same_event_notified_twice_at_once_is_posted_once(receiver):
    user = purchaser_user()
    endpoint(receiver.url, organisation=user.member.organisation)
    at_once(2, lambda i: notify("award.made", to=[user], data={"project": "P", "agency": "A"},
                                key="award.made:2"))
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.received) == 1
