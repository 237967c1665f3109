"""The live badge: /ws/notifications/ over a real channel layer (in memory, Redis in CI)."""
from __future__ import annotations

import copy
import json
import os

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from notifications.routing import websocket_urlpatterns
from notifications.services.inbox import notifications_read_all
from tests.factories.core import purchaser_user
from tests.notifications.helpers import delivered

pytestmark = pytest.mark.django_db(transaction=True)
app = URLRouter(websocket_urlpatterns)
db = database_sync_to_async


@pytest.fixture(scope="module", autouse=True)
def own_channel_prefix():
    """User ids repeat across xdist workers' databases: a prefix per worker on shared Redis."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG", {})
    if "prefix" not in config:
        yield
        return
    config["prefix"] = f"{config['prefix']}-n-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with override_settings(CHANNEL_LAYERS=layers):
        yield


async def connect(user):
    comm = WebsocketCommunicator(app, "/ws/notifications/")
    comm.scope["user"] = user
    connected, _code = await comm.connect()
    return comm, connected


async def receive(comm) -> dict:
    return json.loads(await comm.receive_from(timeout=15))


async def test_the_badge_gets_the_count_on_connect_and_each_delivery_after_commit():
    me = await db(purchaser_user)()
    await db(delivered)(me, 1)
    comm, connected = await connect(me)
    assert connected
    assert await receive(comm) == {"type": "notifications.unread", "count": 1}
    await db(delivered)(me, 1, prefix="second")
    assert await receive(comm) == {"type": "notifications.unread", "count": 2}
    await db(notifications_read_all)(actor=me)
    assert await receive(comm) == {"type": "notifications.unread", "count": 0}
    await comm.disconnect()


async def test_someone_elses_delivery_does_not_reach_my_badge():
    me, other = await db(purchaser_user)(), await db(purchaser_user)()
    comm, _c = await connect(me)
    assert (await receive(comm))["count"] == 0
    await db(delivered)(other, 2)
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_anonymous_connection_is_closed():
    comm, connected = await connect(AnonymousUser())
    assert not connected

