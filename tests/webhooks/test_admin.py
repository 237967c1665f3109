"""The admin shows deliveries with their attempts and replays the selected ones through the
audited service (webhooks/admin.py)."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from core.models import AuditEvent
from notifications.outbox import notify
from tests.factories.core import purchaser_user
from tests.factories.webhooks import endpoint
from webhooks.models import WebhookAttempt, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.cn", "x")
    client.force_login(admin)
    client.admin = admin
    return client


def test_the_replay_action_sends_again_and_the_attempts_are_shown(
        admin_client_, receiver, django_capture_on_commit_callbacks):
    user = purchaser_user()
    hook = endpoint(receiver.url, organisation=user.member.organisation)
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        notify("award.made", to=[user], data={"project": "P", "agency": "A"},
               key="award.made:3")
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post("/admin/webhooks/webhookdelivery/", {
            "action": "replay", "_selected_action": [delivery.pk]}, follow=True)
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SENT and len(receiver.received) == 2
    assert list(WebhookAttempt.objects.filter(delivery=delivery)
                .values_list("status_code", flat=True)) == [500, 200]
    assert AuditEvent.objects.get(action="webhook.delivery_replayed").actor == admin_client_.admin
    page = admin_client_.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and b"500" in page.content
    endpoint_page = admin_client_.get(f"/admin/webhooks/endpoint/{hook.pk}/change/")
    assert endpoint_page.status_code == 200
    assert hook.secret.encode() not in endpoint_page.content
