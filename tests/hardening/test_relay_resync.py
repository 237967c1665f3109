"""The process relay recovers from a channel layer that forgot it (issue 8, "Faults"), on the
in-memory layer and on Redis alike: a lost group membership is re-added within
``Relay.CHECK_S`` and the local watchers get a ``resync`` frame, so they re-read the snapshot
instead of waiting for a bid that would show them the gap (``core/broadcast.py``). The full
fault, two Daphne processes and a Redis killed and restarted, is
``tests/live/test_redis_restart.py``."""
from __future__ import annotations

import asyncio
import copy
import os
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from bidding.routing import websocket_urlpatterns
from core.broadcast import Relay, group_renew
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db(transaction=True)

app = URLRouter(websocket_urlpatterns)
WAIT_S = Relay.CHECK_S * 4 + 2


@pytest.fixture(autouse=True)
def own_channel_prefix():
    """A prefix of this worker's own on Redis (project ids repeat across xdist databases)."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG", {})
    if "prefix" not in config:
        yield
        return
    config["prefix"] = (f"{config['prefix']}-relay-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
                        f"-{uuid.uuid4().hex[:6]}")
    with override_settings(CHANNEL_LAYERS=layers):
        yield


@database_sync_to_async
def auction():
    project, signups = bf.live_auction(bidders=2)
    return project, [s.agency.organisation.members.first().user for s in signups]


async def connect(project, user=None):
    comm = WebsocketCommunicator(app, f"/ws/auctions/{project.pk}/")
    comm.scope["user"] = user or AnonymousUser()
    connected, _ = await comm.connect(timeout=5)
    assert connected
    snap = await comm.receive_json_from(timeout=5)
    assert snap["type"] == "snapshot"
    return comm


async def forget_memberships(group: str) -> None:
    """What a Redis restarted without persistence does to the group."""
    layer = get_channel_layer()
    if hasattr(layer, "groups"):   # in-memory layer
        layer.groups.pop(group, None)
    else:
        await layer.connection(layer.consistent_hash(group)).delete(layer._group_key(group))


async def frames_until(comm, kind: str) -> list[dict]:
    frames = []
    async with asyncio.timeout(WAIT_S):
        while not frames or frames[-1]["type"] != kind:
            frames.append(await comm.receive_json_from(timeout=WAIT_S))
    return frames


async def test_a_relay_whose_membership_was_lost_re_adds_it_and_tells_its_watchers_to_resync():
    project, users = await auction()
    watchers = [await connect(project) for _ in range(2)]
    bidders = [await connect(project, user) for user in users]
    await forget_memberships(f"auction_{project.pk}")
    await bidders[0].send_json_to({"type": "bid", "value": "95000.00"})   # may reach nobody
    for comm in watchers:
        await frames_until(comm, "resync")
        await comm.send_json_to({"type": "resync"})
        snap = (await frames_until(comm, "snapshot"))[-1]
        assert snap["seq"] == 1
    # The membership is back: the next bid is relayed live again.
    await bidders[1].send_json_to({"type": "bid", "value": "94000.00"})
    for comm in watchers:
        placed = (await frames_until(comm, "bids"))[-1]
        assert placed["to"] == 2 and placed["bids"][-1]["label"] == "B"
    for comm in (*watchers, *bidders):
        await comm.disconnect()


async def test_a_watcher_that_connects_while_the_layer_is_down_still_gets_the_auction(
        monkeypatch):
    layer = get_channel_layer()
    real_add = layer.group_add
    failures = []

    async def group_add_down_once(group, channel):
        if not failures:
            failures.append(group)
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")
        return await real_add(group, channel)

    monkeypatch.setattr(layer, "group_add", group_add_down_once)
    project, users = await auction()
    watcher = await connect(project)        # its snapshot comes from the database
    assert failures == [f"auction_{project.pk}"]
    await frames_until(watcher, "resync")   # the layer is back and the relay with it
    bidder = await connect(project, users[0])
    await bidder.send_json_to({"type": "bid", "value": "95000.00"})
    placed = (await frames_until(watcher, "bids"))[-1]
    assert placed["from"] == placed["to"] == 1
    for comm in (watcher, bidder):
        await comm.disconnect()


async def test_group_renew_says_whether_the_membership_had_been_lost():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = f"renew-{uuid.uuid4().hex}"
    if not hasattr(layer, "group_renew"):   # the in-memory layer cannot lose a membership
        assert await group_renew(layer, group, channel) is False
        assert channel in layer.groups[group]
        return
    assert await group_renew(layer, group, channel) is True
    assert await group_renew(layer, group, channel) is False
    await forget_memberships(group)
    assert await group_renew(layer, group, channel) is True
    await layer.group_discard(group, channel)
