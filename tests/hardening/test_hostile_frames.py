"""Hostile WebSocket frames on ``/ws/auctions/<id>/`` (issue 8): each gets a clear ``error``
frame, and the connection stays usable, or a clean close code (1009 for a frame over our own
limit, a refused handshake for a foreign Origin) — never 1011 (an exception in the consumer)."""
from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from bidding.consumers import MAX_FRAME
from bidding.routing import websocket_urlpatterns
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db(transaction=True)

app = URLRouter(websocket_urlpatterns)


@database_sync_to_async
def auction():
    project, signups = bf.live_auction(bidders=2)
    return project, signups[0].agency.organisation.members.first().user


async def connect(project, user=None, application=app, headers=None):
    comm = WebsocketCommunicator(application, f"/ws/auctions/{project.pk}/", headers=headers)
    comm.scope["user"] = user or AnonymousUser()
    connected, code = await comm.connect()
    assert connected, code
    snap = await comm.receive_json_from(timeout=5)
    assert snap["type"] == "snapshot"
    return comm


async def still_usable(comm) -> None:
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from(timeout=5))["type"] == "pong"


NUMBER = ("not_a_number", "out_of_range")
HOSTILE = [
    ("{not json", "malformed"),
    ("\x00\x01", "malformed"),
    ('"just a string"', "malformed"),
    ("null", "malformed"),
    ("42", "malformed"),
    ("[" * 5000 + "]" * 5000, "malformed"),           # nested deeper than the parser goes
    ('{"type": ["bid"]}', "unknown_type"),
    ('{"type": {"a": 1}}', "unknown_type"),
    ('{"type": "bid", "value": [1]}', "not_a_number"),
    ('{"type": "bid", "value": {"x": 1}}', "not_a_number"),
    ('{"type": "bid", "value": false}', "not_a_number"),
    ('{"type": "bid", "value": null}', "not_a_number"),
    ('{"type": "bid", "value": "1e999999999"}', NUMBER),
    ('{"type": "bid", "value": 1e999999999}', NUMBER),
    ('{"type": "bid", "value": -1e999999999}', NUMBER),
    ('{"type": "bid", "value": "Infinity"}', "not_a_number"),
    ('{"type": "bid", "value": Infinity}', "not_a_number"),
    ('{"type": "bid", "value": NaN}', "not_a_number"),
    ('{"type": "bid", "value": ' + "9" * 5000 + "}", "malformed"),  # over int()'s digit limit
    ('{"type": "bid", "value": "' + "9" * 5000 + '"}', NUMBER),
    ('{"type": "bid", "value": "99000", "ref": NaN}', None),     # a ref we cannot echo
]


@pytest.mark.parametrize("frame,code", HOSTILE, ids=lambda v: repr(v)[:40])
async def test_hostile_frames_get_an_error_frame_and_the_connection_stays_usable(frame, code):
    project, bidder = await auction()
    comm = await connect(project, bidder)
    await comm.send_to(text_data=frame)
    answer = await comm.receive_json_from(timeout=5)
    if code is None:  # accepted, with the unusable ref dropped
        assert answer["type"] == "bid.accepted" and answer["ref"] is None
        await comm.receive_json_from(timeout=5)   # the bids frame carrying it
    else:
        codes = code if isinstance(code, tuple) else (code,)
        assert answer["type"] == "error" and answer["code"] in codes and answer["message"], answer
    await still_usable(comm)
    await comm.disconnect()


async def test_a_huge_exponent_from_an_anonymous_watcher_is_an_error_frame_not_a_close():
    project, _bidder = await auction()
    comm = await connect(project)
    await comm.send_to(text_data='{"type": "bid", "value": 1e999999999}')
    answer = await comm.receive_json_from(timeout=5)
    assert answer["type"] == "error"
    await still_usable(comm)
    await comm.disconnect()


@pytest.mark.parametrize("kind", ["text", "bytes"])
async def test_a_frame_over_our_limit_closes_with_1009_before_it_is_parsed(kind):
    project, bidder = await auction()
    comm = await connect(project, bidder)
    big = json.dumps({"type": "bid", "value": "99000", "ref": "x" * MAX_FRAME})
    if kind == "text":
        await comm.send_to(text_data=big)
    else:
        await comm.send_to(bytes_data=big.encode())
    closed = await comm.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 1009}
    # the server then tells the application the socket is gone, and it ends cleanly (waiting
    # without that message ran out its 5 s timeout)
    await comm.disconnect(code=1009, timeout=5)


async def test_a_frame_just_under_the_limit_is_answered():
    project, bidder = await auction()
    comm = await connect(project, bidder)
    frame = json.dumps({"type": "ping", "pad": ""})
    frame = json.dumps({"type": "ping", "pad": "x" * (MAX_FRAME - len(frame))})
    assert len(frame.encode()) == MAX_FRAME
    await comm.send_to(text_data=frame)
    assert (await comm.receive_json_from(timeout=5))["type"] == "pong"
    await comm.disconnect()


def test_our_limit_is_below_daphnes_own():
    """Daphne (autobahn) drops the TCP connection (1006) on a frame over 1 MiB; our limit must
    be lower so a client gets the clean 1009 instead."""
    assert MAX_FRAME < 1024 * 1024


async def test_a_foreign_origin_is_refused_at_the_handshake():
    project, bidder = await auction()
    guarded = AllowedHostsOriginValidator(app)
    comm = WebsocketCommunicator(guarded, f"/ws/auctions/{project.pk}/",
                                 headers=[(b"origin", b"https://evil.example")])
    comm.scope["user"] = bidder
    connected, code = await comm.connect(timeout=5)
    assert not connected
    assert code != 1011
    ours = await connect(project, bidder, application=guarded,
                         headers=[(b"origin", b"http://testserver")])
    await ours.disconnect()
