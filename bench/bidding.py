"""Live-bidding benchmark: the product (real Daphne processes, Redis channel layer,
PostgreSQL) beside a bare floor server (``bench/floor.py``), driven by the same asyncio
WebSocket clients on loopback, so that every figure of the product reads as a multiple of what
the machine gives anyway.

Scenario ``single`` (the default): one auction, ten bidders, N watchers. For each watcher level
the product runs, then the floor, each a fresh process with a fresh auction, with the same
clients, rates and seconds; then a ratio row (product / floor)::

    .venv/bin/python bench/bidding.py [--watchers 100,500,1000] [--rates 20,50,100]
        [--seconds 6] [--only product|floor] [--profile FILE]

Scenario ``many``: ``--auctions`` (100) auctions × 10 bidders × ``--watchers-per-auction`` (20)
watchers against 1, then 2 Daphne processes (``--processes 1,2``) on two ports sharing Redis
and PostgreSQL; every client (the bidders of one auction too) goes round-robin to the
processes; each auction receives ``--per-auction-rate`` bids/s (a list sweeps: ``1,2``)::

    .venv/bin/python bench/bidding.py --scenario many [--auctions 100] [--per-auction-rate 1,2]
        [--processes 1,2] [--seconds 6]

The floor is the least a bid needs, on the same machine, database and Redis: one database
thread with one connection doing BEGIN; SELECT … FOR UPDATE; INSERT; UPDATE; COMMIT, then the
ack and one PUBLISH, and one subscriber per process handing the frame text to
``websockets.broadcast``. The product's cost above it is the price of its checks (eligibility,
sanctions, the step, anti-sniping), its audit record, Django's ORM and Channels/Daphne.

Columns. ``bids/s`` (``offered/s``): bids sent per second, each one step below the previous
one, the bidders in turn (nobody bids against itself); ``sent``; ``accepted``: bids committed
(read from the database afterwards); ``acc/s``: accepted / time taken to send them (a server
that queues still accepts them all, late: see the ack columns); ``refused``: error frames;
``ack``: bid sent → its ``bid.accepted`` (after the commit), p50/p99; ``fan``: the bid's
server timestamp (taken under the lock, before the commit) → the LAST watcher of the auction
receiving it live, p50/p99; ``gaps``: resyncs asked after a gap in ``seq``; ``missed``: live
messages (watcher × bid) never received, recovered by a resync; ``lost``: still missing after
the final resync (must be 0); ``reconn``: watcher reconnects. ``cross`` (``many``): deliveries
of bids placed through one process to watchers on the other that arrived live / expected —
the check that two Daphnes on one Redis deliver across. The ratio row gives product / floor
for the latencies and the product's ``acc/s`` as a percentage of the floor's; after the table
come each side's memory (RSS growth of the fresh server process over its watchers'
connections), the issue's targets with the measured value and PASS/FAIL (they are set at
1,000 watchers; a smaller run checks them at its largest level) and the load average before
and after (the machine is shared: read the figures with it).

Watchers accept ``bid.placed`` frames (the floor; the product today) and conflated ``bids``
frames (``{"type":"bids","project":P,"from":A,"to":B,…,"bids":[…]}``: every seq A..B counts as
received when the frame arrives), both read from their head with a regex. They use a minimal
WebSocket client (``RawWebSocket``) so that the client process takes little of the CPU the
servers are measured on; bidders use the ``websockets`` library with the session cookie of
their agency's user (the floor takes the cookie as the bidder's label).

Where it runs: the PostgreSQL database ``DATABASE_URL`` names (dropped and recreated; default
``mp_bench`` on ``BENCH_PG``; the floor's tables ``floor_auction`` and ``floor_bid`` live there
too), Redis ``BENCH_REDIS`` or ``REDIS_URL`` (default db 5), channel-layer prefix
``CHANNEL_PREFIX`` (default ``bench``; the floor publishes under ``<prefix>-floor``), first port
``BENCH_PORT`` (default a free one) — so that benches of two checkouts can run one after the
other on a shared machine.

``--profile FILE`` runs ``py-spy record --format raw --rate 200 --nonblocking`` on the product's
Daphne process at the largest watcher level during the first rate, and prints the top 25
functions (``file:function``) by self and by inclusive time, as percentages of all samples.

Where the time goes (py-spy, 2026-12-01, 1,000 watchers, 20 bids/s, all threads at 200 Hz).

Before (commit ec62d24; the shared machine's load was 5–6, so only the shares count)::

    inclusive  43 %  the fan-out: Relay._fan_out → relay_frame → Channels' send → daphne
                     handle_reply → autobahn sendMessage/sendFrame → Twisted write, once per
                     watcher per bid
               32 %  the database thread: bid_place (11 statements, most of its CPU compiling them;
                     CursorWrapper._execute 18 % self, waiting on PostgreSQL)
    self       14 %  selectors.modify: epoll_ctl twice per write (Twisted registers the socket
                     for writing, then removes it)
              ~8 %  autobahn's hl/hltype and click's style: debug-line highlighting built per
                     frame, never logged
               6 %  Django's LazyObject (settings, user) on the per-frame path

And the bench ran Daphne with DEBUG on (a query log and a debug cursor per statement).

After (commit 59ea7d1, load 1.9–2.6; 886 samples)::

    inclusive  54 %  the fan-out, now Relay._deliver → relay_frame → core/direct.py::_write:
                     43 % self in _write, i.e. the send(2) itself, one per watcher per frame
                     (what any server pays; the floor's websockets.broadcast does the same)
               18 %  the database thread: bid_place (9 statements; 9 % waiting on PostgreSQL,
                     2 % its commit)
    self        6 %  the event loop's epoll_wait; 5 % asyncio's own transport writes (Redis,
                     bidders' acknowledgements)

What changed in between: watchers get at most one frame per 20 ms tick carrying every bid
since the last (``bidding/frames.py``), framed once and written straight to each Daphne socket
(``core/direct.py``: no per-connection Channels/Daphne/autobahn path, no epoll_ctl pair); the
bid's sign-up read is compiled once (``core/prepared.py``) and carries the sanction and
qualification facts; a one-row lock is plain SQL written once per model
(``core/locking.py``); the servers run with DEBUG off (``bench/common.py::PRODUCTION``). What
is left is the bid's own CPU on the one database thread per process (about 6 ms of Python
and 9 statements per accepted bid, against the floor's 5 statements and almost no Python):
it sets the ceiling of one process (about 50–65 bids/s on one auction) and the acknowledgement
latency (ack p50 ≈ 15–20 ms against the floor's 3–4 ms).

Then (commit c16e6f3, load ≈ 1): bids that arrive while others are being placed share one
transaction (group commit, ``bid_place_many``: at 100 bids/s batches of 2–4 bids), which lifted
one auction from 67 to 100 accepted bids/s; at 100/s py-spy showed the fan-out's ``send`` at
38 % and the database thread at 30 % (19 % of it waiting on PostgreSQL), and the loop stalled
now and then in full garbage collections (fixed by ``gc.freeze()`` in ``marketplace/asgi.py``).
Rounds are spaced by twice their writing time (``core/broadcast.py::Relay``). What is left for
the acknowledgement: a lone bid's 8 statements (of which the sign-up read is 1.8 ms, 0.9 ms of
that PostgreSQL planning it: a server-side prepared statement would save it) and about 5 ms of
Python on the database thread, against the floor's 5 statements.

Then (commit 0e88dfa, 2026-12-02, load 1.1–1.5). A bid arriving every 50 ms finds the machine
cold: a ``SELECT 1`` took 0.49 ms after 50 ms idle against 0.04 ms back to back, and a whole
bid on the database thread 8.3 ms against 5.7 ms (``bid_place`` in a loop, with and without a
50 ms pause), so every round trip and every bit of Python counts about double. Changed: the
sign-up read is prepared on the server (``core/prepared.py``: 2.2 ms → 0.2 ms planned once),
the lock reads its row with plain SQL, the auction's update and the bids' and audit events'
inserts are the ORM's statements written once (``save_fields``, ``insert_rows``), the audit
head's update goes with the events' insert (8 round trips for a lone bid instead of 9), bids
run on one plain executor thread (``bidding/consumers.py::_in_bid_thread``) and answers are
written straight to the socket. Traced inside Daphne at 10 watchers and 20 bids/s: the database thread
6.5 ms, the consumer's ``handle_bid`` 7.7 ms, the client's ack 9.4 ms (9.4, 10.7 and 12.6 ms
with only the read prepared). What is left: about 3 ms of Python and 8 round trips on the database thread, each
slower when cold; 1.2 ms of hops between the loop and that thread; 1.7 ms of Daphne's and
autobahn's receive and the client's side, against the floor's 3.1–3.5 ms in all.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import contextlib
import json
import math
import os
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import psycopg2
import websockets
from asgiref.sync import sync_to_async

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    bench_database,
    daphne,
    database_url,
    ensure_database,
    free_port,
    percentile,
    setup_django,
    stop_process,
    wait_listening,
)
from bench.floor import create_auctions, ensure_tables  # noqa: E402

REDIS = (os.environ.get("BENCH_REDIS") or os.environ.get("REDIS_URL")
         or "redis://127.0.0.1:6379/5")
PORT = int(os.environ.get("BENCH_PORT") or free_port())
PREFIX = os.environ.get("CHANNEL_PREFIX") or "bench"
PLACED = re.compile(r'\{"type":"bid\.placed","project":\d+,"seq":(\d+),')
BIDS = re.compile(r'\{"type":"bids","project":\d+,"from":(\d+),"to":(\d+),')
BIDDERS = 10
START = 10_000_000   # the ceiling: bids go down one step (1.00) at a time from here
LABELS = [chr(ord("A") + i) for i in range(BIDDERS)]


def fresh_database(name: str) -> None:
    """Start from an empty bench database (factories number their rows from 1 per process)."""
    conn = psycopg2.connect(database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


# --- the two servers under test ---------------------------------------------------------------

class Product:
    """Daphne processes running the marketplace, sharing the Redis channel layer."""

    name = "product"

    def __init__(self, env: dict):
        self.env = env

    @contextlib.contextmanager
    def serve(self, ports: list[int]):
        with contextlib.ExitStack() as stack:
            yield [stack.enter_context(daphne(self.env, p, verbosity=0, production=True))[1] for p in ports]

    def auctions(self, n: int) -> list[tuple[int, list[str]]]:
        """``n`` open auctions with the same ten bidding agencies, each agency's user logged
        in once: ``[(project id, session cookies)]``. The owner, the item and the agencies are
        made once, so an auction costs one project row and ten sign-ups."""
        # Django's models and the factories load only after main() has set Django up.
        from django.conf import settings
        from django.test import Client

        from tests.factories import bidding as bf
        from tests.factories.agencies import service_item

        owner, item = bf.purchaser(), service_item()
        agencies = [bf.bidding_agency(item=item) for _ in range(BIDDERS)]
        cookies = []
        for agency in agencies:
            client = Client()
            client.force_login(agency.organisation.members.first().user)
            cookies.append(f"{settings.SESSION_COOKIE_NAME}="
                           f"{client.cookies[settings.SESSION_COOKIE_NAME].value}")
        out = []
        for _ in range(n):
            project, _signups = bf.live_auction(
                agencies=agencies, owner=owner, item=item, minutes=120,
                ceiling=Decimal(f"{START}.00"), floor=Decimal("1.00"), step=Decimal("1.00"))
            out.append((project.pk, cookies))
        return out

    def log(self, auction: int, since: int) -> list:
        from bidding.models import Bid  # after django.setup(), see auctions()

        return list(Bid.objects.filter(project_id=auction, seq__gt=since).order_by("seq")
                    .values_list("seq", "placed_at"))


class Floor:
    """``bench/floor.py`` processes on the bench database, sharing Redis."""

    name = "floor"

    def __init__(self, url: str):
        self.url = url
        self.conn = psycopg2.connect(url)
        ensure_tables(self.conn)   # before any floor process starts, so none races to it

    @contextlib.contextmanager
    def serve(self, ports: list[int]):
        with contextlib.ExitStack() as stack:
            yield [stack.enter_context(self._process(p)) for p in ports]

    @contextlib.contextmanager
    def _process(self, port: int):
        log_path = f"/tmp/bench-floor-{port}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [PYTHON, str(ROOT / "bench" / "floor.py"), "--port", str(port), "--database",
                 self.url, "--redis", REDIS, "--prefix", f"{PREFIX}-floor"],
                cwd=ROOT, stdout=log, stderr=log)
            try:
                wait_listening(port, proc, log_path)
                yield proc
            finally:
                stop_process(proc)

    def auctions(self, n: int) -> list[tuple[int, list[str]]]:
        ids = create_auctions(self.conn, n, best=Decimal(START), step=Decimal(1))
        return [(pk, LABELS) for pk in ids]

    def log(self, auction: int, since: int) -> list:
        with self.conn.cursor() as cur:
            cur.execute("SELECT seq, placed_at FROM floor_bid WHERE auction = %s AND seq > %s "
                        "ORDER BY seq", [auction, since])
            rows = cur.fetchall()
        self.conn.commit()
        return rows


# --- the clients -------------------------------------------------------------------------------
class RawWebSocket(asyncio.Protocol):
    """A minimal WebSocket client for the watchers (text frames, pings answered, no
    extensions): a thousand of them share one core with the server under test, so each frame
    costs a few microseconds here instead of a full client library's parse."""

    def __init__(self, host: str, path: str, origin: str, on_text):
        self.request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: "
                        f"{base64.b64encode(os.urandom(16)).decode()}\r\n"
                        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n").encode()
        self.on_text = on_text
        self.buf = bytearray()
        self.upgraded = False
        self.transport = None
        self.opened = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self.partial = bytearray()

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        for fut in (self.opened, self.closed):
            if not fut.done():
                fut.set_exception(ConnectionError("closed"))

    def data_received(self, data):
        self.buf += data
        if not self.upgraded:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buf.startswith(b"HTTP/1.1 101"):
                self.transport.close()
                return
            del self.buf[:end + 4]
            self.upgraded = True
            self.opened.set_result(None)
        buf, pos, n = self.buf, 0, len(self.buf)
        while n - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            size, head = b1 & 0x7F, 2
            if size == 126:
                if n - pos < 4:
                    break
                size, head = int.from_bytes(buf[pos + 2:pos + 4], "big"), 4
            elif size == 127:
                if n - pos < 10:
                    break
                size, head = int.from_bytes(buf[pos + 2:pos + 10], "big"), 10
            if n - pos < head + size:
                break
            payload = bytes(buf[pos + head:pos + head + size])
            pos += head + size
            opcode = b0 & 0x0F
            if opcode in (0, 1):
                self.partial += payload
                if b0 & 0x80:
                    text, self.partial = self.partial.decode(), bytearray()
                    self.on_text(text)
            elif opcode == 9:
                self._frame(0xA, payload)
            elif opcode == 8:
                self.transport.close()
        del buf[:pos]

    def _frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        size = len(payload)
        head = bytes([0x80 | opcode])
        if size < 126:
            head += bytes([0x80 | size])
        elif size < 65536:
            head += bytes([0x80 | 126]) + size.to_bytes(2, "big")
        else:
            head += bytes([0x80 | 127]) + size.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(head + mask + masked)

    async def send(self, text: str) -> None:
        if self.transport is None or self.transport.is_closing():
            raise ConnectionError("closed")
        self._frame(0x1, text.encode())


class Watcher:
    """A page watching one auction through one server: records when each seq first arrived,
    from a ``bid.placed`` frame or a conflated ``bids`` frame (seqs ``from``..``to``), and asks
    for a resync on a gap, as the page's script does."""

    def __init__(self, port: int):
        self.port = port
        self.seen: dict[int, float] = {}     # seq -> receive time
        self.recovered: set[int] = set()     # seqs learnt from resync snapshots
        self.last = 0
        self.gaps = 0
        self.reconnects = 0
        self.ws = None
        self.ready = asyncio.Event()
        self.snapshot_waiter: asyncio.Future | None = None

    async def run(self, url, origin):
        """Like the page's script: on a dropped connection, reconnect; the snapshot sent on
        connect fills whatever was missed."""
        while True:
            try:
                await self._run(url, origin)
            except (ConnectionError, OSError, asyncio.TimeoutError):
                self.reconnects += 1
                await asyncio.sleep(0.5)

    async def _run(self, url, origin):
        parts = urlsplit(url)
        self.ws = ws = RawWebSocket(parts.netloc, parts.path, origin, self.on_text)
        await asyncio.wait_for(asyncio.get_running_loop().create_connection(
            lambda: ws, parts.hostname, parts.port), 120)
        try:
            await asyncio.wait_for(ws.opened, 120)
            await ws.closed
        finally:
            ws.transport.close()

    def on_text(self, raw: str) -> None:
        now = time.time()
        # The common frames, read from their head without a full JSON decode.
        fast = PLACED.match(raw)
        if fast:
            self.received(int(fast.group(1)), int(fast.group(1)), now)
            return
        fast = BIDS.match(raw)
        if fast:
            self.received(int(fast.group(1)), int(fast.group(2)), now)
            return
        msg = json.loads(raw)
        kind = msg["type"]
        if kind == "bid.placed":
            self.received(msg["seq"], msg["seq"], now)
        elif kind == "bids":
            self.received(msg["from"], msg["to"], now)
        elif kind == "resync":       # the server says frames may have been lost
            asyncio.ensure_future(self.ws.send('{"type":"resync"}'))
        elif kind == "snapshot":
            for row in msg["ladder"]:
                if row["seq"] not in self.seen:
                    self.recovered.add(row["seq"])
            self.last = max(self.last, msg["seq"])
            self.ready.set()
            if self.snapshot_waiter and not self.snapshot_waiter.done():
                self.snapshot_waiter.set_result(msg["seq"])

    def received(self, first: int, last: int, now: float) -> None:
        for seq in range(first, last + 1):
            self.seen.setdefault(seq, now)
        if first > self.last + 1 and self.last:
            self.gaps += 1
            asyncio.ensure_future(self.ws.send('{"type":"resync"}'))
        self.last = max(self.last, last)


class Bidder:
    def __init__(self, port: int):
        self.port = port
        self.sent: dict[int, float] = {}     # ref -> send time
        self.acks: list[float] = []
        self.acked: list[int] = []           # seqs accepted through this connection
        self.refused: set[int] = set()       # refs
        self.reconnects = 0
        self.ws = None
        self.ready = asyncio.Event()

    async def run(self, url, origin, cookie):
        while True:
            try:
                await self._run(url, origin, cookie)
            except (websockets.ConnectionClosed, OSError, asyncio.TimeoutError):
                self.reconnects += 1
                await asyncio.sleep(0.5)

    async def _run(self, url, origin, cookie):
        async with websockets.connect(url, origin=origin, compression=None, open_timeout=120,
                                      additional_headers={"Cookie": cookie}, max_queue=None,
                                      ping_interval=None) as ws:
            self.ws = ws
            async for raw in ws:
                now = time.time()
                msg = json.loads(raw)
                if msg["type"] == "snapshot":
                    self.ready.set()
                elif msg["type"] == "bid.accepted":
                    self.acks.append(now - self.sent.pop(msg["ref"], now))
                    self.acked.append(msg["seq"])
                elif msg["type"] == "error":
                    self.sent.pop(msg.get("ref"), None)
                    self.refused.add(msg.get("ref"))


class Auction:
    """One auction under test: its clients, and where its bids and seqs stand (kept across
    runs, so a second run continues below the first one's best)."""

    def __init__(self, pk: int, cookies: list[str]):
        self.pk, self.cookies = pk, cookies
        self.step_no = 0
        self.seq = 0
        self.watchers: list[Watcher] = []
        self.bidders: list[Bidder] = []

    def endpoint(self, port: int) -> tuple[str, str]:
        return (f"ws://127.0.0.1:{port}/ws/auctions/{self.pk}/", f"http://127.0.0.1:{port}")


async def connect_watchers(auctions: list[Auction], ports: list[int], per_auction: int) -> list:
    """Watchers round-robin over the servers, in batches of 50 (each waits for its snapshot)."""
    pending, tasks = [], []
    for a in auctions:
        a.watchers = [Watcher(ports[(len(pending) + i) % len(ports)]) for i in range(per_auction)]
        pending += [(a, w) for w in a.watchers]
    for i in range(0, len(pending), 50):
        batch = pending[i:i + 50]
        tasks += [asyncio.create_task(w.run(*a.endpoint(w.port))) for a, w in batch]
        await asyncio.wait_for(asyncio.gather(*(w.ready.wait() for _a, w in batch)), 120)
    return tasks


async def connect_bidders(auctions: list[Auction], ports: list[int]) -> list:
    """Bidders round-robin over the servers too: one auction's bidders on every process."""
    pending, tasks = [], []
    for a in auctions:
        a.bidders = [Bidder(ports[(len(pending) + i) % len(ports)]) for i in range(len(a.cookies))]
        pending += [(a, b, c) for b, c in zip(a.bidders, a.cookies)]
    for i in range(0, len(pending), 50):
        batch = pending[i:i + 50]
        tasks += [asyncio.create_task(b.run(*a.endpoint(b.port), c)) for a, b, c in batch]
        await asyncio.wait_for(asyncio.gather(*(b.ready.wait() for _a, b, _c in batch)), 120)
    return tasks


async def phase_bids(auctions: list[Auction], per_auction_rate: float, seconds: float) -> float:
    """Send ``per_auction_rate`` bids/s to every auction for ``seconds``, the auctions in turn;
    each bid one step below its auction's previous one, from its bidders in turn (so nobody
    bids against itself). Returns the time it took."""
    interval = 1.0 / (per_auction_rate * len(auctions))
    n = int(per_auction_rate * len(auctions) * seconds)
    t0 = time.perf_counter()
    for i in range(n):
        delay = t0 + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        a = auctions[i % len(auctions)]
        a.step_no += 1
        b = a.bidders[a.step_no % len(a.bidders)]
        b.sent[a.step_no] = time.time()
        with contextlib.suppress(Exception):
            await b.ws.send(json.dumps({"type": "bid", "ref": a.step_no,
                                        "value": f"{START - a.step_no}.00"}))
    return time.perf_counter() - t0


async def catch_up(auctions: list[Auction], logs: dict) -> None:
    """Like a real client at the end: a watcher behind its auction's last seq asks for a
    resync, so that "lost" counts only what no snapshot recovered either."""
    waits = []
    for a in auctions:
        final = logs[a.pk][-1][0] if logs[a.pk] else a.seq
        for w in a.watchers:
            if w.last < final:
                w.snapshot_waiter = asyncio.get_running_loop().create_future()
                with contextlib.suppress(Exception):
                    await w.ws.send('{"type":"resync"}')
                waits.append(w.snapshot_waiter)
    if waits:
        await asyncio.wait(waits, timeout=120)


async def measure(side, auctions: list[Auction], per_auction_rate: float,
                  seconds: float, profile=None) -> dict:
    """One rate: send, let the tail drain, read the committed bids, and compute the row."""
    for a in auctions:
        for w in a.watchers:
            w.gaps = 0
        for b in a.bidders:
            b.acks.clear()
            b.acked.clear()
            b.refused.clear()
    elapsed = await phase_bids(auctions, per_auction_rate, seconds)
    if profile is not None:
        await asyncio.to_thread(profile.wait)
    await asyncio.sleep(2.0)
    logs = {a.pk: await sync_to_async(side.log)(a.pk, a.seq) for a in auctions}
    await catch_up(auctions, logs)
    lat, lost, missed, cross, cross_live = [], 0, 0, 0, 0
    for a in auctions:
        via = {seq: b.port for b in a.bidders for seq in b.acked}
        for seq, placed_at in logs[a.pk]:
            last_recv = 0.0
            for w in a.watchers:
                t = w.seen.get(seq)
                if w.port != via.get(seq, w.port):
                    cross += 1
                    cross_live += t is not None
                if t is None:
                    missed += 1
                    lost += seq not in w.recovered
                    continue
                last_recv = max(last_recv, t)
            if last_recv:
                lat.append(last_recv - placed_at.timestamp())
        if logs[a.pk]:
            a.seq = logs[a.pk][-1][0]
    acks = [x for a in auctions for b in a.bidders for x in b.acks]
    accepted = sum(len(v) for v in logs.values())
    watchers = [w for a in auctions for w in a.watchers]
    return {
        "server": side.name, "auctions": len(auctions), "watchers": len(watchers),
        "rate": per_auction_rate * len(auctions), "sent": int(per_auction_rate * len(auctions)
                                                              * seconds),
        "accepted": accepted, "accepted_per_s": accepted / max(elapsed, 1e-9),
        # by the auction's place and the bid's ref: the same bid on the product and the floor
        "refused_refs": {(i, r) for i, a in enumerate(auctions) for b in a.bidders
                         for r in b.refused},
        "ack_p50": percentile(acks, 50) * 1000, "ack_p99": percentile(acks, 99) * 1000,
        "fan_p50": percentile(lat, 50) * 1000, "fan_p99": percentile(lat, 99) * 1000,
        "gaps": sum(w.gaps for w in watchers), "missed_live": missed, "lost": lost,
        "reconnects": sum(w.reconnects for w in watchers), "cross": cross,
        "cross_live": cross_live,
    }


async def stop(tasks: list) -> None:
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


# --- profiling ---------------------------------------------------------------------------------

class Profiler:
    """``py-spy record`` on a server process for one rate; ``--nonblocking`` so that sampling
    does not pause the server being timed."""

    def __init__(self, pid: int, seconds: float, path: str):
        self.path = path
        self.proc = subprocess.Popen(
            [str(Path(PYTHON).parent / "py-spy"), "record", "--format", "raw", "-o", path,
             "--rate", "200", "--nonblocking", "--duration", str(math.ceil(seconds)),
             "--pid", str(pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self) -> None:
        self.proc.wait()


FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def frame_name(frame: str) -> str:
    """``file:function`` with the line dropped and the path cut to what names the module."""
    m = FRAME.match(frame)
    if m is None:
        return frame
    path = m["file"]
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif path.startswith(str(ROOT) + "/"):
        path = path[len(str(ROOT)) + 1:]
    elif "/lib/python3" in path:
        path = "stdlib/" + path.split("/lib/python3", 1)[1].split("/", 1)[-1]
    return f"{path}:{m['fn']}"


def profile_summary(path: str, top: int = 25) -> None:
    """Top functions by self time (the innermost frame of a sample) and by inclusive time
    (anywhere in the stack), as percentages of all samples of all threads."""
    own, incl, total = collections.Counter(), collections.Counter(), 0
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(count)
            total += n
            frames = [frame_name(x) for x in stack.split(";")]
            own[frames[-1]] += n
            for name in set(frames):
                incl[name] += n
    print(f"\npy-spy profile of the product ({total} samples, {path})")
    for title, counter in (("self", own), ("inclusive", incl)):
        print(f"  top {top} by {title} time:")
        for name, n in counter.most_common(top):
            print(f"    {100 * n / max(total, 1):5.1f}%  {name}")


# --- scenario 1: one auction, the product beside the floor -------------------------------------

async def run_level(side, port: int, proc, n_watchers: int, rates: list[int], seconds: float,
                    profile_path: str | None) -> tuple[list[dict], dict]:
    (pk, cookies), = await sync_to_async(side.auctions)(1)
    auction = Auction(pk, cookies)
    ps = psutil.Process(proc.pid)
    rss0 = ps.memory_info().rss
    t_conn = time.perf_counter()
    tasks = await connect_watchers([auction], [port], n_watchers)
    t_conn = time.perf_counter() - t_conn
    await asyncio.sleep(1)
    rss1 = ps.memory_info().rss
    tasks += await connect_bidders([auction], [port])
    rows = []
    for i, rate in enumerate(rates):
        profiler = (Profiler(proc.pid, seconds, profile_path)
                    if profile_path and i == 0 else None)
        rows.append(await measure(side, [auction], rate, seconds, profiler))
        print_row(rows[-1], flush=True)
    await stop(tasks)
    return rows, {"server": side.name, "watchers": n_watchers, "rss_before_mb": rss0 / 2**20,
                  "rss_after_mb": rss1 / 2**20, "kib_per_conn": (rss1 - rss0) / n_watchers / 1024,
                  "connect_s": t_conn}


HEADER = (f"{'server':>7} {'watchers':>8} {'bids/s':>6} {'sent':>5} {'accepted':>8} "
          f"{'acc/s':>6} {'refused':>7} {'ack p50':>8} {'ack p99':>8} {'fan p50':>8} "
          f"{'fan p99':>8} {'gaps':>5} {'missed':>6} {'lost':>4} {'reconn':>6}")


def print_row(r: dict, flush: bool = False) -> None:
    print(f"{r['server']:>7} {r['watchers']:>8} {r['rate']:>6g} {r['sent']:>5} "
          f"{r['accepted']:>8} {r['accepted_per_s']:>6.1f} {len(r['refused_refs']):>7} "
          f"{r['ack_p50']:>6.1f}ms {r['ack_p99']:>6.1f}ms {r['fan_p50']:>6.1f}ms "
          f"{r['fan_p99']:>6.1f}ms {r['gaps']:>5} {r['missed_live']:>6} {r['lost']:>4} "
          f"{r['reconnects']:>6}", flush=flush)


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def print_ratio(p: dict, f: dict) -> None:
    print(f"{'ratio':>7} {p['watchers']:>8} {p['rate']:>6g} {'':>5} {'':>8} "
          f"{100 * ratio(p['accepted_per_s'], f['accepted_per_s']):>5.0f}% {'':>7} "
          f"{ratio(p['ack_p50'], f['ack_p50']):>7.2f}× {ratio(p['ack_p99'], f['ack_p99']):>7.2f}× "
          f"{ratio(p['fan_p50'], f['fan_p50']):>7.2f}× {ratio(p['fan_p99'], f['fan_p99']):>7.2f}×")


def targets(rows: dict, level: int) -> list[tuple[str, str, bool | None]]:
    """The issue's targets, each as (what, measured, passed); None when not measured. They are
    set at 1,000 watchers; a smaller run checks them at its largest level."""
    prod = {r["rate"]: r for r in rows.get("product", []) if r["watchers"] == level}
    floor = {r["rate"]: r for r in rows.get("floor", []) if r["watchers"] == level}
    out = []
    for key, label in (("ack_p50", "ack p50"), ("ack_p99", "ack p99"), ("fan_p99", "fan p99")):
        if 20 in prod and 20 in floor:
            x = ratio(prod[20][key], floor[20][key])
            out.append((f"{label} at 20/s within 2× of the floor", f"{x:.2f}×", x <= 2))
        else:
            out.append((f"{label} at 20/s within 2× of the floor", "not measured", None))
    for rate in (50, 100):
        if rate in prod and rate in floor:
            x = 100 * ratio(prod[rate]["accepted_per_s"], floor[rate]["accepted_per_s"])
            out.append((f"accepted/s at {rate} asked ≥ 80 % of the floor's", f"{x:.0f} %",
                        x >= 80))
        else:
            out.append((f"accepted/s at {rate} asked ≥ 80 % of the floor's", "not measured",
                        None))
    common = sorted(set(prod) & set(floor))
    if common:
        extra = sum(len(prod[r]["refused_refs"] - floor[r]["refused_refs"]) for r in common)
        out.append(("no bid refused that the floor accepts", f"{extra} such bids", extra == 0))
    else:
        out.append(("no bid refused that the floor accepts", "not measured", None))
    if 100 in prod:
        r = prod[100]
        out.append(("conflation: fan p99 < 150 ms at 100/s", f"{r['fan_p99']:.1f} ms",
                    r["fan_p99"] < 150))
        out.append(("conflation: ack p99 < 100 ms at 100/s", f"{r['ack_p99']:.1f} ms",
                    r["ack_p99"] < 100))
        out.append(("conflation: nothing lost at 100/s", f"{r['lost']} lost", r["lost"] == 0))
    else:
        out.append(("conflation at 100/s", "not measured", None))
    return out


def scenario_single(args, env: dict, url: str) -> None:
    levels = [int(x) for x in args.watchers.split(",")]
    rates = [int(x) for x in args.rates.split(",")]
    sides = [s for s in (Product(env), Floor(url)) if args.only in (None, s.name)]
    print(f"One auction, {BIDDERS} bidders, {args.seconds:g} s per rate; product: Daphne, "
          f"Redis {REDIS} (prefix {PREFIX}); floor: bench/floor.py; PostgreSQL {url}")
    print("ack = bid sent → bid.accepted (after commit); fan = bid's server timestamp → last "
          "watcher received it; missed = live messages not received (recovered by resync); "
          "lost = still missing after resync; ratio = product / floor (acc/s: product as % "
          "of the floor)")
    print(HEADER)
    rows, mem = collections.defaultdict(list), []
    for n in levels:   # a fresh server per level and side, so its memory growth is its own
        for side in sides:
            port = PORT if side.name == "product" else free_port()
            profile = (args.profile if side.name == "product" and n == max(levels) else None)
            with side.serve([port]) as (proc,):
                level_rows, m = asyncio.run(run_level(side, port, proc, n, rates, args.seconds,
                                                      profile))
            rows[side.name] += level_rows
            mem.append(m)
        if len(sides) == 2:
            for p, f in zip(rows["product"][-len(rates):], rows["floor"][-len(rates):]):
                print_ratio(p, f)
    print()
    print(f"{'server':>7} {'watchers':>8} {'connect s':>9} {'RSS before':>11} {'RSS after':>10} "
          f"{'KiB/conn':>9}")
    for m in mem:
        print(f"{m['server']:>7} {m['watchers']:>8} {m['connect_s']:>9.1f} "
              f"{m['rss_before_mb']:>9.1f}MB {m['rss_after_mb']:>8.1f}MB "
              f"{m['kib_per_conn']:>9.1f}")
    print(f"\nTargets (at {max(levels):,} watchers; the issue sets them at 1,000):")
    for what, measured, passed in targets(rows, max(levels)):
        verdict = "n/a" if passed is None else ("PASS" if passed else "FAIL")
        print(f"  {verdict:<4}  {what}: {measured}")
    if args.profile and "product" in rows:
        profile_summary(args.profile)


# --- scenario 2: many auctions over one and two Daphne processes -------------------------------

MANY_HEADER = (f"{'procs':>5} {'auctions':>8} {'offered/s':>9} {'accepted':>8} {'acc/s':>6} "
               f"{'refused':>7} {'ack p50':>8} {'ack p99':>8} {'fan p99':>8} {'missed':>6} "
               f"{'lost':>4} {'cross':>11}")


def print_many_row(procs: int, r: dict) -> None:
    cross = f"{r['cross_live']}/{r['cross']}" if r["cross"] else "-"
    print(f"{procs:>5} {r['auctions']:>8} {r['rate']:>9g} {r['accepted']:>8} "
          f"{r['accepted_per_s']:>6.1f} {len(r['refused_refs']):>7} {r['ack_p50']:>6.1f}ms "
          f"{r['ack_p99']:>6.1f}ms {r['fan_p99']:>6.1f}ms {r['missed_live']:>6} {r['lost']:>4} "
          f"{cross:>11}", flush=True)


async def run_many(side, ports: list[int], auctions: list[Auction], per_auction_rates: list,
                   seconds: float, watchers: int) -> list[dict]:
    t0 = time.perf_counter()
    tasks = await connect_watchers(auctions, ports, watchers)
    tasks += await connect_bidders(auctions, ports)
    print(f"      ({len(ports)} process(es): {sum(len(a.watchers) + len(a.bidders) for a in auctions)}"
          f" connections in {time.perf_counter() - t0:.1f} s)", flush=True)
    rows = []
    for rate in per_auction_rates:
        rows.append(await measure(side, auctions, rate, seconds))
        print_many_row(len(ports), rows[-1])
    await stop(tasks)
    return rows


def scenario_many(args, env: dict) -> None:
    rates = [float(x) for x in args.per_auction_rate.split(",")]
    counts = [int(x) for x in args.processes.split(",")]
    side = Product(env)
    t0 = time.perf_counter()
    auctions = [Auction(pk, cookies) for pk, cookies in side.auctions(args.auctions)]
    print(f"{args.auctions} auctions × {BIDDERS} bidders × {args.watchers_per_auction} watchers "
          f"(set up in {time.perf_counter() - t0:.1f} s), {args.seconds:g} s per rate; Daphne "
          f"processes share Redis {REDIS} (prefix {PREFIX}) and PostgreSQL; clients round-robin "
          f"over the processes")
    print("offered/s = bids sent per second over all auctions; ack, fan as in the first "
          "scenario; cross = bids placed through one process that watchers on another "
          "received live / such deliveries expected")
    print(MANY_HEADER)
    rows = {}
    for n in counts:
        ports = [PORT] + [free_port() for _ in range(n - 1)]
        with side.serve(ports):
            rows[n] = asyncio.run(run_many(side, ports, auctions, rates, args.seconds,
                                           args.watchers_per_auction))
    if 1 in rows and 2 in rows:
        print("\n2 processes / 1:")
        for one, two in zip(rows[1], rows[2]):
            print(f"  offered {one['rate']:g}/s: accepted/s "
                  f"{ratio(two['accepted_per_s'], one['accepted_per_s']):.2f}×, ack p99 "
                  f"{ratio(two['ack_p99'], one['ack_p99']):.2f}×, fan p99 "
                  f"{ratio(two['fan_p99'], one['fan_p99']):.2f}×")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["single", "many"], default="single")
    parser.add_argument("--watchers", default="100,500,1000",
                        help="single: watcher levels (one auction)")
    parser.add_argument("--rates", default="20,50,100", help="single: bids/s")
    parser.add_argument("--only", choices=["product", "floor"], help="single: one side only")
    parser.add_argument("--profile", metavar="FILE",
                        help="single: py-spy the product at the largest level, first rate")
    parser.add_argument("--auctions", type=int, default=100, help="many: auctions")
    parser.add_argument("--watchers-per-auction", type=int, default=20, help="many")
    parser.add_argument("--per-auction-rate", default="1", help="many: bids/s per auction")
    parser.add_argument("--processes", default="1,2", help="many: Daphne process counts")
    parser.add_argument("--seconds", type=float, default=6)
    args = parser.parse_args()

    load0 = os.getloadavg()
    name = bench_database("mp_bench")
    fresh_database(name)
    url = ensure_database(name)
    setup_django(url, REDIS, production=True)
    env = {"DATABASE_URL": url, "REDIS_URL": REDIS, "CHANNEL_PREFIX": PREFIX,
           "LOG_LEVEL": "ERROR"}
    if args.scenario == "many":
        scenario_many(args, env)
    else:
        scenario_single(args, env, url)
    load1 = os.getloadavg()
    print(f"\nload average (1, 5, 15 min): before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}"
          f" → after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    main()
