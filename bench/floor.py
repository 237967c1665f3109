"""The floor of the live-bidding bench: the least a bid needs, speaking the product's frames.

``bench/bidding.py`` runs it as its own subprocess, like Daphne, and drives it with the same
clients, so that each figure of the product can be read as a multiple of what the machine
gives anyway. A bid: BEGIN; lock the auction row; refuse unless ``value ≤ best − step``; insert
the bid; update the auction; COMMIT (one database thread, one connection, as the product has
one database thread per process); queue the ``bid.placed`` text for the one publisher (Redis
PUBLISH, in commit order); ack the bidder.
Each process's one subscriber sends what is published to its local connections of that
auction, so several floor processes can share an auction as Daphnes share the channel layer.
No authentication: the bidder's label is its ``Cookie`` header.

    python bench/floor.py --port P --database URL --redis URL [--prefix floor]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation

import psycopg2
import redis.asyncio as aioredis
from websockets.asyncio.server import broadcast, serve

SCHEMA = """
CREATE TABLE IF NOT EXISTS floor_auction (
    id serial PRIMARY KEY, best numeric(14, 2) NOT NULL, step numeric(14, 2) NOT NULL,
    seq integer NOT NULL DEFAULT 0, ends_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS floor_bid (
    auction integer NOT NULL REFERENCES floor_auction, seq integer NOT NULL,
    value numeric(14, 2) NOT NULL, placed_at timestamptz NOT NULL, bidder text NOT NULL,
    PRIMARY KEY (auction, seq));
"""
PATH = re.compile(r"/ws/auctions/(\d+)/?$")


def encode(event: dict) -> str:
    """The product's encoding (``core/broadcast.py::encode``): compact, so the bench's regex
    on the head of a frame matches both servers."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat()


def ensure_tables(conn) -> None:
    with conn.cursor() as cur:
        cur.execute(SCHEMA)
    conn.commit()


def create_auctions(conn, n: int, *, best: Decimal, step: Decimal, minutes: int = 120) -> list:
    """``n`` fresh auctions (ids, in order) starting at ``best``; used by the bench."""
    ensure_tables(conn)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO floor_auction (best, step, ends_at) SELECT %s, %s, "
                    "now() + %s * interval '1 minute' FROM generate_series(1, %s) "
                    "RETURNING id", [best, step, minutes, n])
        ids = sorted(row[0] for row in cur.fetchall())
    conn.commit()
    return ids


class Store:
    """The one database thread and its one connection; every method runs on that thread."""

    def __init__(self, url: str):
        self.url = url
        self.conn = None
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="floor-db")

    async def call(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def open(self) -> None:
        self.conn = psycopg2.connect(self.url)
        ensure_tables(self.conn)

    def place(self, auction: int, value: Decimal, bidder: str):
        """``(bid.placed event, None)`` or ``(None, (code, message))``, committed or rolled
        back before it returns."""
        now = dt.datetime.now(dt.timezone.utc)
        try:
            with self.conn.cursor() as cur:
                cur.execute("SELECT best, step, seq, ends_at FROM floor_auction WHERE id = %s "
                            "FOR UPDATE", [auction])
                row = cur.fetchone()
                if row is None:
                    return None, ("not_found", "No such auction.")
                best, step, seq, ends_at = row
                if value > best - step:
                    return None, ("step", f"A bid must be {best - step} or lower.")
                seq += 1
                cur.execute("INSERT INTO floor_bid (auction, seq, value, placed_at, bidder) "
                            "VALUES (%s, %s, %s, %s, %s)", [auction, seq, value, now, bidder])
                cur.execute("UPDATE floor_auction SET best = %s, seq = %s WHERE id = %s",
                            [value, seq, auction])
            self.conn.commit()
        finally:
            if self.conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
                self.conn.rollback()
        text = format(value, "f")
        return {"type": "bid.placed", "project": auction, "seq": seq, "label": bidder,
                "value": text, "placed_at": iso(now), "ends_at": iso(ends_at), "best": text,
                "extended": False}, None

    def snapshot(self, auction: int) -> dict:
        with self.conn.cursor() as cur:
            cur.execute("SELECT seq, bidder, value, placed_at FROM floor_bid WHERE auction = %s "
                        "ORDER BY seq", [auction])
            ladder = [{"seq": seq, "label": bidder, "value": format(value, "f"),
                       "placed_at": iso(placed_at)} for seq, bidder, value, placed_at in cur]
        self.conn.commit()
        return {"type": "snapshot", "project": auction,
                "seq": ladder[-1]["seq"] if ladder else 0, "ladder": ladder}


class Floor:
    def __init__(self, store: Store, redis_url: str, prefix: str):
        self.store = store
        self.redis = aioredis.from_url(redis_url)
        self.prefix = prefix
        self.local: dict[int, set] = {}   # auction -> this process's connections
        self.outbox: asyncio.Queue = asyncio.Queue()   # (channel, text) in commit order

    def channel(self, auction: int) -> str:
        return f"{self.prefix}:auction_{auction}"

    async def subscribe(self):
        """The process's one subscriber, subscribed before the first connection is accepted."""
        pubsub = self.redis.pubsub()
        await pubsub.psubscribe(f"{self.prefix}:auction_*")
        return pubsub

    async def relay(self, pubsub) -> None:
        """What any floor process published reaches every local connection of that auction."""
        cut = len(self.prefix) + len(":auction_")
        async for msg in pubsub.listen():
            if msg["type"] != "pmessage":
                continue
            conns = self.local.get(int(msg["channel"][cut:]))
            if conns:
                broadcast(conns, msg["data"].decode())

    async def publisher(self) -> None:
        """One publisher, fed in commit order: concurrent PUBLISHes over a connection pool
        would reach the subscribers out of order (a gap, so a resync, for every watcher). What
        queued meanwhile goes in one pipeline."""
        while True:
            items = [await self.outbox.get()]
            while not self.outbox.empty():
                items.append(self.outbox.get_nowait())
            async with self.redis.pipeline(transaction=False) as pipe:
                for channel, text in items:
                    pipe.publish(channel, text)
                await pipe.execute()

    async def handle(self, ws) -> None:
        match = PATH.match(ws.request.path)
        if match is None:
            await ws.close(4404)
            return
        auction = int(match.group(1))
        bidder = ws.request.headers.get("Cookie", "")
        conns = self.local.setdefault(auction, set())
        conns.add(ws)   # before the snapshot: nothing committed in between is missed
        try:
            await ws.send(encode(await self.store.call(self.store.snapshot, auction)))
            async for raw in ws:
                await self.receive(ws, auction, bidder, raw)
        finally:
            conns.discard(ws)

    async def receive(self, ws, auction: int, bidder: str, raw) -> None:
        try:
            msg = json.loads(raw)
            kind = msg.get("type")
        except (ValueError, AttributeError):
            await ws.send(error("malformed", "Send a JSON object with a \"type\".", None))
            return
        if kind == "resync":
            await ws.send(encode(await self.store.call(self.store.snapshot, auction)))
        elif kind == "bid":
            await self.bid(ws, auction, bidder, msg)
        else:
            await ws.send(error("unknown_type", "Use \"bid\" or \"resync\".", msg.get("ref")))

    async def bid(self, ws, auction: int, bidder: str, msg: dict) -> None:
        ref = msg.get("ref")
        try:
            value = Decimal(str(msg.get("value")))
        except InvalidOperation:
            await ws.send(error("not_a_number", "Enter your bid as a number.", ref))
            return
        if not bidder:
            await ws.send(error("not_bidder", "Only bidders may bid.", ref))
            return
        event, refusal = await self.store.call(self.store.place, auction, value, bidder)
        if refusal:
            await ws.send(error(*refusal, ref))
            return
        self.outbox.put_nowait((self.channel(auction), encode(event)))   # before any await
        await ws.send(encode({"type": "bid.accepted", "seq": event["seq"],
                              "value": event["value"], "placed_at": event["placed_at"],
                              "ref": ref}))


def error(code: str, message: str, ref) -> str:
    return encode({"type": "error", "code": code, "message": message, "ref": ref})


async def main(args) -> None:
    store = Store(args.database)
    await store.call(store.open)
    floor = Floor(store, args.redis, args.prefix)
    listener = asyncio.create_task(floor.relay(await floor.subscribe()))
    publisher = asyncio.create_task(floor.publisher())
    async with serve(floor.handle, "127.0.0.1", args.port, compression=None, max_queue=None,
                     ping_interval=None):
        await asyncio.gather(listener, publisher)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--prefix", default="floor")
    asyncio.run(main(parser.parse_args()))
