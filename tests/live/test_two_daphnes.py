"""Two real Daphne processes sharing Redis and PostgreSQL: a bid placed through one reaches a
watcher connected to the other (scale-out, ``docs/architecture.md``). Marked ``live``; skipped on SQLite
or without Redis."""
from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
import websockets
from django.conf import settings
from django.db import connection
from django.test import Client

from bench.common import daphne
from bidding.models import Bid
from tests.conftest import requires_postgres
from tests.factories import bidding as bf

pytestmark = [pytest.mark.live, pytest.mark.postgres, requires_postgres,
              pytest.mark.django_db(transaction=True)]

@pytest.fixture
def servers():
    redis_url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    if not redis_url:
        pytest.skip("needs REDIS_URL: the two processes share the Redis channel layer")
    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CHANNEL_PREFIX": f"live-{uuid.uuid4().hex[:8]}",
    }
    with daphne(env) as (p1, _), daphne(env) as (p2, _):   # free ports: checkouts share a machine
        yield p1, p2


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def frames_until(ws, kind: str, timeout: float = 10) -> dict:
    async def loop():
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == kind:
                return msg
    return await asyncio.wait_for(loop(), timeout)


def test_bid_through_one_daphne_reaches_a_watcher_on_the_other(servers):
    p1, p2 = servers
    project, signups = bf.live_auction(bidders=2)
    bidder = signups[0].agency.organisation.members.first().user
    cookie = session_cookie(bidder)
    path = f"/ws/auctions/{project.pk}/"

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{p2}{path}",
                                      origin=f"http://127.0.0.1:{p2}") as watcher, \
                websockets.connect(f"ws://127.0.0.1:{p1}{path}", origin=f"http://127.0.0.1:{p1}",
                                   additional_headers={"Cookie": cookie}) as bid_ws:
            snap_w = await frames_until(watcher, "snapshot")
            snap_b = await frames_until(bid_ws, "snapshot")
            assert snap_w["viewer"]["can_bid"] is False
            assert snap_b["viewer"]["label"] == "A" and snap_b["viewer"]["can_bid"] is True
            await bid_ws.send(json.dumps({"type": "bid", "value": "93500.00"}))
            ack = await frames_until(bid_ws, "bid.accepted")
            seen = await frames_until(watcher, "bids")
            return ack, seen

    ack, seen = asyncio.run(scenario())
    assert ack["seq"] == seen["from"] == seen["to"] == 1
    bid, = seen["bids"]
    assert bid["label"] == "A" and bid["value"] == "93500.00"
    assert Bid.objects.get(project=project).value == 93500
