"""The auction consumer over a real (in-memory) channel layer: WebsocketCommunicator."""
from __future__ import annotations

import asyncio
import copy
import datetime as dt
import os

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from agencies.models import Agency
from bidding.models import Award, Bid, Project
from bidding.routing import websocket_urlpatterns
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db(transaction=True)


app = URLRouter(websocket_urlpatterns)
db = database_sync_to_async


@pytest.fixture(scope="module", autouse=True)
def own_channel_prefix():
    """xdist workers share Redis while project ids repeat across their databases, so each
    worker's ``auction_<id>`` groups get a prefix of their own (else a watcher may receive the
    other worker's auction's frames). The in-memory layer is per process already."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG", {})
    if "prefix" not in config:
        yield
        return
    config["prefix"] = f"{config['prefix']}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with override_settings(CHANNEL_LAYERS=layers):   # Channels drops its cached layer
        yield


def user_of(signup):
    return signup.agency.organisation.members.first().user


async def connect(project, user=None):
    comm = WebsocketCommunicator(app, f"/ws/auctions/{project.pk}/")
    comm.scope["user"] = user or AnonymousUser()
    connected, _ = await comm.connect()
    assert connected
    snap = await comm.receive_json_from(timeout=5)
    assert snap["type"] == "snapshot"
    return comm, snap


@db
def auction(**kw):
    project, signups = bf.live_auction(**kw)
    return project, signups, [user_of(s) for s in signups]


@db
def set_end(project, seconds: float):
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() + dt.timedelta(seconds=seconds))


@db
def reload(project):
    return Project.objects.get(pk=project.pk)


async def test_connect_sends_a_snapshot_with_own_label_and_the_rules():
    project, signups, users = await auction(bidders=2)
    comm, snap = await connect(project, users[1])
    assert snap["project"] == project.pk and snap["seq"] == 0 and snap["ladder"] == []
    assert snap["ceiling"] == "100000.00" and snap["floor"] == "60000.00"
    assert snap["step"] == "500.00" and snap["quote_mode"] == "amount"
    assert snap["viewer"]["label"] == "B" and snap["viewer"]["can_bid"] is True
    assert snap["server_time"] and snap["ends_at"]
    await comm.disconnect()


async def test_unknown_or_non_auction_project_is_refused():
    comm = WebsocketCommunicator(app, "/ws/auctions/999999/")
    comm.scope["user"] = AnonymousUser()
    connected, code = await comm.connect()
    assert not connected and code == 4404


async def test_valid_bid_is_acknowledged_and_broadcast_to_every_watcher():
    project, signups, users = await auction(bidders=2)
    bidder, _ = await connect(project, users[0])
    watcher, _ = await connect(project)
    await bidder.send_json_to({"type": "bid", "value": "95000.00", "ref": 7})
    frames = [await bidder.receive_json_from(timeout=5) for _ in range(2)]
    ack = next(f for f in frames if f["type"] == "bid.accepted")
    assert ack["seq"] == 1 and ack["ref"] == 7 and ack["value"] == "95000.00"
    frame = await watcher.receive_json_from(timeout=5)
    assert (frame["type"], frame["from"], frame["to"], frame["best"]) == ("bids", 1, 1, "95000.00")
    event, = frame["bids"]
    assert event["type"] == "bid.placed" and event["seq"] == 1 and event["label"] == "A"
    assert event["value"] == "95000.00" and "agency" not in str(frame)
    assert await db(Bid.objects.filter(project=project).count)() == 1
    await bidder.disconnect()
    await watcher.disconnect()


async def test_numeric_json_bid_is_accepted_exactly_without_float_rounding():
    project, signups, users = await auction(bidders=2)
    comm, _ = await connect(project, users[0])
    await comm.send_to(text_data='{"type": "bid", "value": 94999.90}')
    frames = [await comm.receive_json_from(timeout=5) for _ in range(2)]
    assert any(f["type"] == "bid.accepted" and f["value"] == "94999.90" for f in frames)
    await comm.disconnect()


@pytest.mark.parametrize("frame,code", [
    ("{not json", "malformed"),
    ("[1, 2]", "malformed"),
    ('{"type": "shout"}', "unknown_type"),
    ('{"type": "bid"}', "not_a_number"),
    ('{"type": "bid", "value": "abc"}', "not_a_number"),
    ('{"type": "bid", "value": true}', "not_a_number"),
    ('{"type": "bid", "value": {"x": 1}}', "not_a_number"),
    ('{"type": "bid", "value": "1.234"}', "too_many_decimals"),
    ('{"type": "bid", "value": "NaN"}', "not_a_number"),
    ('{"type": "bid", "value": "100000.01"}', "above_ceiling"),
    ('{"type": "bid", "value": "10"}', "below_floor"),
])
async def test_invalid_frames_get_a_readable_error_and_the_connection_stays_usable(frame, code):
    project, signups, users = await auction(bidders=2)
    comm, _ = await connect(project, users[0])
    await comm.send_to(text_data=frame)
    err = await comm.receive_json_from(timeout=5)
    assert err["type"] == "error" and err["code"] == code and err["message"]
    await comm.send_json_to({"type": "bid", "value": "99000"})
    frames = [await comm.receive_json_from(timeout=5) for _ in range(2)]
    assert {f["type"] for f in frames} == {"bid.accepted", "bids"}
    await comm.disconnect()


async def test_binary_frame_gets_an_error_frame():
    project, signups, users = await auction(bidders=1)
    comm, _ = await connect(project, users[0])
    await comm.send_to(bytes_data=b"\x00\x01")
    err = await comm.receive_json_from(timeout=5)
    assert err["type"] == "error" and err["code"] == "malformed"
    await comm.disconnect()


async def test_step_rule_and_leader_rule_over_websocket():
    project, signups, users = await auction(bidders=2)
    a, _ = await connect(project, users[0])
    await a.send_json_to({"type": "bid", "value": "90000"})
    await a.receive_json_from(timeout=5)
    await a.receive_json_from(timeout=5)
    await a.send_json_to({"type": "bid", "value": "80000"})
    err = await a.receive_json_from(timeout=5)
    assert err["code"] == "already_leading"
    b, _ = await connect(project, users[1])
    await b.send_json_to({"type": "bid", "value": "89600"})
    err = await b.receive_json_from(timeout=5)
    assert err["code"] == "step" and "89500.00" in err["message"]
    await a.disconnect()
    await b.disconnect()


async def test_watcher_cannot_bid_over_websocket():
    project, signups, users = await auction(bidders=1)
    for user in (AnonymousUser(), project.created_by):
        comm, snap = await connect(project, await db(lambda u=user: u)())
        assert snap["viewer"]["can_bid"] is False
        await comm.send_json_to({"type": "bid", "value": "90000"})
        err = await comm.receive_json_from(timeout=5)
        assert err["type"] == "error" and err["code"] == "watcher"
        assert "cannot bid" in err["message"].lower() or "不能" in err["message"]
        await comm.disconnect()
    assert await db(Bid.objects.count)() == 0


async def test_suspended_agency_cannot_bid_over_websocket():
    project, signups, users = await auction(bidders=2)
    comm, _ = await connect(project, users[0])
    await db(Agency.objects.filter(pk=signups[0].agency_id).update)(
        standing=Agency.Standing.SUSPENDED)
    await comm.send_json_to({"type": "bid", "value": "90000"})
    err = await comm.receive_json_from(timeout=5)
    assert err["type"] == "error" and err["code"] == "ineligible"
    await comm.disconnect()


async def test_bid_in_the_last_minutes_broadcasts_the_extended_end():
    project, signups, users = await auction(bidders=2)
    await set_end(project, 30)
    comm, snap = await connect(project, users[0])
    await comm.send_json_to({"type": "bid", "value": "90000"})
    frames = [await comm.receive_json_from(timeout=5) for _ in range(2)]
    frame = next(f for f in frames if f["type"] == "bids")
    assert frame["extended"] is True and frame["ends_at"] > snap["ends_at"]
    assert frame["bids"][0]["extended"] is True
    assert (await reload(project)).auction_ends_at > timezone.now() + dt.timedelta(minutes=2)
    await comm.disconnect()


async def test_resync_returns_a_fresh_snapshot_with_the_latest_seq():
    project, signups, users = await auction(bidders=2)
    watcher, snap = await connect(project)
    bidder, _ = await connect(project, users[1])
    await bidder.send_json_to({"type": "bid", "value": "97000"})
    await watcher.receive_json_from(timeout=5)
    await watcher.send_json_to({"type": "resync"})
    fresh = await watcher.receive_json_from(timeout=5)
    assert fresh["type"] == "snapshot" and fresh["seq"] == 1 and fresh["best"] == "97000.00"
    await watcher.send_json_to({"type": "ping"})
    assert (await watcher.receive_json_from(timeout=5))["type"] == "pong"
    await watcher.disconnect()
    await bidder.disconnect()


async def test_consumer_timer_closes_the_auction_at_its_end_and_reveals_the_winner():
    project, signups, users = await auction(bidders=2)
    bidder, _ = await connect(project, users[0])
    await bidder.send_json_to({"type": "bid", "value": "90000"})
    await bidder.receive_json_from(timeout=5)
    await bidder.receive_json_from(timeout=5)
    await set_end(project, 1.0)
    watcher, _ = await connect(project)
    closed = await watcher.receive_json_from(timeout=10)
    assert closed["type"] == "auction.closed" and closed["status"] == "awarded"
    assert closed["winner"]["agency"] == signups[0].agency.name and closed["award"]["code"]
    assert await db(Award.objects.filter(project=project).count)() == 1
    await bidder.disconnect()
    await watcher.disconnect()


async def test_auction_closes_with_no_client_connected_by_the_command():
    project, signups, users = await auction(bidders=2)
    await set_end(project, -1)
    await db(call_command)("close_due_auctions", verbosity=0)
    assert (await reload(project)).status == Project.Status.FAILED


async def test_connecting_after_the_deadline_closes_it_and_the_snapshot_shows_the_result():
    project, signups, users = await auction(bidders=2)
    comm, _ = await connect(project, users[0])
    await comm.send_json_to({"type": "bid", "value": "90000"})
    await comm.receive_json_from(timeout=5)
    await comm.receive_json_from(timeout=5)
    await comm.disconnect()
    await set_end(project, -1)
    late, snap = await connect(project)
    assert snap["status"] == "awarded" and snap["result"]["winner"]["agency"] == \
        signups[0].agency.name
    await late.disconnect()


# --- the process relay: one group member per process, frames relayed as sent ---------------

async def group_members(group: str) -> int:
    layer = get_channel_layer()
    if hasattr(layer, "groups"):   # in-memory layer
        return len(layer.groups.get(group, {}))
    return await layer.connection(layer.consistent_hash(group)).zcard(layer._group_key(group))


async def test_many_watchers_in_one_process_are_one_group_member_and_all_get_each_bid():
    project, signups, users = await auction(bidders=2)
    watchers = [(await connect(project))[0] for _ in range(5)]
    bidder, _ = await connect(project, users[0])
    assert await group_members(f"auction_{project.pk}") == 1
    await bidder.send_json_to({"type": "bid", "value": "95000.00"})
    for watcher in watchers:
        frame = await watcher.receive_json_from(timeout=5)
        assert frame["type"] == "bids" and frame["from"] == frame["to"] == 1
        assert frame["bids"][0]["label"] == "A"
    for comm in (*watchers, bidder):
        await comm.disconnect()
    for _ in range(50):
        if await group_members(f"auction_{project.pk}") == 0:
            break
        await asyncio.sleep(0.05)
    assert await group_members(f"auction_{project.pk}") == 0


async def test_a_bidder_gets_its_acknowledgement_before_the_broadcast_of_its_own_bid():
    project, signups, users = await auction(bidders=2)
    bidder, _ = await connect(project, users[0])
    await bidder.send_json_to({"type": "bid", "value": "95000.00", "ref": 1})
    first = await bidder.receive_json_from(timeout=5)
    second = await bidder.receive_json_from(timeout=5)
    assert (first["type"], second["type"]) == ("bid.accepted", "bids")
    assert first["seq"] == second["to"] == 1
    await bidder.disconnect()


async def test_a_watcher_that_missed_frames_resyncs_to_the_full_ladder():
    project, signups, users = await auction(bidders=2)
    a, _ = await connect(project, users[0])
    b, _ = await connect(project, users[1])
    for comm, value in ((a, "99000"), (b, "98000"), (a, "97000")):
        await comm.send_json_to({"type": "bid", "value": value})
        await comm.receive_json_from(timeout=5)
        await comm.receive_json_from(timeout=5)
    late, snap = await connect(project)      # as after a gap or a reconnect
    assert snap["seq"] == 3 and [r["label"] for r in snap["ladder"]] == ["A", "B", "A"]
    assert snap["best"] == "97000.00" and snap["best_label"] == "A"
    for comm in (a, b, late):
        await comm.disconnect()


async def test_bids_within_one_tick_reach_watchers_as_one_frame_with_their_range(monkeypatch):
    """Conflation (bidding/frames.py): the first bid after a quiet tick goes out at once; the
    bids placed during the tick that follows go out together, one frame per watcher, while
    each bidder still gets its own acknowledgement at once."""
    from core.broadcast import Relay

    monkeypatch.setattr(Relay, "TICK_S", 1.0)
    project, signups, users = await auction(bidders=2)
    watcher, _ = await connect(project)
    bidders = [(await connect(project, user))[0] for user in users[:2]]
    acks = []
    for i, value in enumerate(("95000.00", "94000.00", "93000.00")):
        bidder = bidders[i % 2]
        await bidder.send_json_to({"type": "bid", "value": value})
        while (frame := await bidder.receive_json_from(timeout=5))["type"] != "bid.accepted":
            pass
        acks.append(frame["seq"])
    assert acks == [1, 2, 3]
    first = await watcher.receive_json_from(timeout=5)
    second = await watcher.receive_json_from(timeout=5)
    assert (first["from"], first["to"]) == (1, 1)
    assert (second["type"], second["from"], second["to"]) == ("bids", 2, 3)
    assert [b["seq"] for b in second["bids"]] == [2, 3] and second["best"] == "93000.00"
    assert await watcher.receive_nothing(timeout=0.3)
    for comm in (watcher, *bidders):
        await comm.disconnect()
