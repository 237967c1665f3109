"""The inbox page, the badge and the API: own data only, mark one read, mark all read."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.audit import event_for
from notifications.models import InboxItem
from tests.factories.core import purchaser_user
from tests.notifications.helpers import delivered

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_inbox_page_lists_own_notifications_newest_first_in_chinese(client):
    me, other = purchaser_user(), purchaser_user()
    mine = delivered(me, 2)
    delivered(other, 1, prefix="other")
    client.force_login(me)
    page = client.get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="inbox-item is-unread"') == 2
    assert "甲测绘有限公司" in html and "Award made" not in html
    order = [html.index(f"/notifications/{item.pk}/read/") for item in reversed(mine)]
    assert order == sorted(order)  # newest first
    assert 'id="notification-badge"' in html and ">2</span>" in html


def test_badge_costs_one_count_query_and_nothing_for_anonymous(client):
    me = purchaser_user()
    delivered(me, 3)
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        client.get("/agencies/")
    counts = [q["sql"] for q in queries if "notifications_inboxitem" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    client.logout()
    assert "notification-badge" not in client.get("/agencies/").content.decode()


def test_marking_one_read_follows_its_link_and_lowers_the_count(client):
    me = purchaser_user()
    item, = delivered(me, 1, url="/awards/")
    client.force_login(me)
    response = client.post(f"/notifications/{item.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/awards/"
    item.refresh_from_db()
    assert item.read_at is not None
    assert event_for(item.notification, "notification.read") is not None
    assert 'is-read' in client.get("/notifications/").content.decode()


def test_someone_elses_notification_is_not_found_on_the_page(client):
    other_item, = delivered(purchaser_user(), 1)
    client.force_login(purchaser_user())
    assert client.post(f"/notifications/{other_item.pk}/read/").status_code == 404
    other_item.refresh_from_db()
    assert other_item.read_at is None


def test_mark_all_read_on_the_page(client):
    me = purchaser_user()
    delivered(me, 3)
    client.force_login(me)
    assert client.post("/notifications/read-all/").status_code == 302
    assert not InboxItem.objects.filter(user=me, read_at__isnull=True).exists()


def test_inbox_needs_sign_in(client):
    assert client.get("/notifications/").status_code == 302
    assert APIClient().get("/api/v1/notifications/").status_code in (401, 403)


def test_api_lists_own_notifications_and_filters_unread():
    me, other = purchaser_user(), purchaser_user()
    items = delivered(me, 3)
    delivered(other, 2, prefix="other")
    api = api_as(me)
    api.post(f"/api/v1/notifications/{items[0].pk}/read/")
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [i.pk for i in reversed(items)]
    assert body["results"][0]["kind"] == "award.made" and body["results"][0]["unread"] is True
    unread = api.get("/api/v1/notifications/?unread=1").json()
    assert sorted(r["id"] for r in unread["results"]) == sorted(i.pk for i in items[1:])
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 2}
    assert api.get("/api/v1/notifications/?unred=1").status_code == 400


def test_api_renders_in_the_requests_language():
    me = purchaser_user()
    delivered(me, 1)
    api = api_as(me)
    en = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    zh = api.get("/api/v1/notifications/").json()["results"][0]
    assert en["title"] == "Award made" and zh["title"] != en["title"]


def test_api_read_is_own_only_idempotent_and_read_all_counts():
    me, other = purchaser_user(), purchaser_user()
    mine = delivered(me, 2)
    theirs, = delivered(other, 1, prefix="other")
    api = api_as(me)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post("/api/v1/notifications/99999999999999999999/read/").status_code == 404
    first = api.post(f"/api/v1/notifications/{mine[0].pk}/read/")
    assert first.status_code == 200 and first.json()["unread"] is False
    assert api.post(f"/api/v1/notifications/{mine[0].pk}/read/").status_code == 200
    assert api.post("/api/v1/notifications/read-all/").json() == {"count": 1}
    assert api.post("/api/v1/notifications/read-all/").json() == {"count": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
