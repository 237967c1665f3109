"""The live auction over WebSockets: ``/ws/auctions/<project id>/``.

Anyone may watch (purchasers, regulators, anonymous visitors); signed-up eligible agencies may
also bid. Frames from the client (JSON objects):

* ``{"type": "bid", "value": "95000.00"}`` → ``{"type": "bid.accepted", "seq": …}`` once the bid
  is committed, or ``{"type": "error", "code": …, "message": …}``. The connection stays open.
* ``{"type": "resync"}`` → a fresh ``{"type": "snapshot", …}`` (after a gap in ``seq``).
* ``{"type": "ping"}`` → ``{"type": "pong", "server_time": …}``.

Frames to the client: ``snapshot`` on connect; ``bids`` (every bid since the previous frame,
with its sequence range: ``bidding/frames.py``, at most one per relay tick) and
``auction.closed`` relayed from the group ``auction_<id>``. A bidder's own ``bid.accepted`` comes
at once, before the ``bids`` frame carrying that bid. Every broadcast carries ``seq``: a client
that sees a gap or reconnects asks for a resync (the channel layer delivers at most once;
``docs/architecture.md``).

Broadcasts are the same for every viewer (anonymous labels; a bidder's own label comes in its
snapshot and its rank follows from the ladder), so they arrive already serialised: the
connection does not join the group itself but follows it through the process relay
(``core.broadcast.relay``), which reads each frame from the channel layer once and
writes the same text to every local connection. No database work and no JSON encoding per
watcher per bid; the consumer has no channel of its own (``channel_layer_alias = None``).
Channels' public API (``AsyncWebsocketConsumer`` handlers, ``database_sync_to_async``,
``self.send``) for everything but what goes out on the socket, which Daphne lets us write
straight to it (``core/direct.py``): relayed frames, framed once for all, and answers.

The consumer owns no rules: bids go to ``bid_place_many`` through the auction's ``BidQueue``
(group commit: the bids that arrive while others are being placed go together in the next
transaction), whose refusals, e.g. a watcher's, come back as ``error`` frames with the
service's own message in the page's language; a snapshot is
``auction_state`` (the service that closes a due auction, so a result is published once the
deadline passed, then reads ``auction_snapshot``), in one ``database_sync_to_async`` call.
One timer per project per process closes the auction at its end
time (re-reading the end, which bids may have extended) while anyone is connected here.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
from decimal import Decimal

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import close_old_connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bidding.frames import conflate_bids
from bidding.models import Bid, Project
from bidding.services.auctions import (
    BidOrder,
    auction_close_if_due,
    auction_state,
    bid_place_many,
    group_name,
    iso,
)
from core.broadcast import encode, relay
from core.direct import text_frame
from core.errors import MarketplaceError, NotFound
from core.languages import scope_language

log = logging.getLogger(__name__)

MAX_FRAME = 16 * 1024
"""The largest client frame read, in bytes (a bid is under 100). A longer frame closes the
connection with 1009 ("message too big") before it is parsed. It must stay below Daphne's own
limit (autobahn's 1 MiB), over which Daphne drops the TCP connection and the client sees 1006
with no reason."""
MAX_REF = 64
"""A client's ``ref`` (its own correlation id, echoed back) is kept if it is a string of at
most this many characters or an integer; anything else is dropped (``null`` in the answer)."""
CLOSE_TOO_BIG = 1009


# --- one closing timer per project in this process ------------------------------------------

_timers: dict[int, asyncio.Task] = {}
_watchers: dict[int, int] = {}
_pokes: dict[int, asyncio.Event] = {}


def _ends_at(project_id: int) -> dt.datetime | None:
    row = (Project.objects.filter(pk=project_id, status=Project.Status.SELECTING)
           .values_list("auction_ends_at", flat=True).first())
    return row


def _close_if_due(project_id: int) -> bool:
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return True
    try:
        auction_close_if_due(project=project)
    except MarketplaceError:
        return False
    return project.status != Project.Status.SELECTING or not _ends_at(project_id)


async def _close_timer(project_id: int, poke: asyncio.Event) -> None:
    """Sleep until the (possibly extended) end, then close; stop when closed. A poke (a new
    connection) makes it re-read the end early, e.g. after an administrator changed it."""
    while True:
        poke.clear()
        ends = await database_sync_to_async(_ends_at)(project_id)
        if ends is None:
            return
        delay = (ends - timezone.now()).total_seconds()
        if delay > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(poke.wait(), timeout=min(delay + 0.05, 60))
            continue
        try:
            done = await database_sync_to_async(_close_if_due)(project_id)
        except Exception:  # noqa: BLE001 - keep the timer alive; the command closes it too
            log.exception("closing auction %s failed; retrying", project_id)
            done = False
        if done:
            return
        await asyncio.sleep(1)


def _timer_acquire(project_id: int) -> None:
    _watchers[project_id] = _watchers.get(project_id, 0) + 1
    task = _timers.get(project_id)
    if task is None or task.done():
        _pokes[project_id] = asyncio.Event()
        _timers[project_id] = asyncio.get_running_loop().create_task(
            _close_timer(project_id, _pokes[project_id]))
    else:
        _pokes[project_id].set()


def _timer_release(project_id: int) -> None:
    left = _watchers.get(project_id, 0) - 1
    if left > 0:
        _watchers[project_id] = left
        return
    _watchers.pop(project_id, None)
    _pokes.pop(project_id, None)
    task = _timers.pop(project_id, None)
    if task is not None and not task.done():
        task.cancel()


# --- group commit: the bids of one auction that arrive while others are being placed -------

MAX_BATCH = 64
"""The most bids placed in one transaction (``bid_place_many``)."""


class BidQueue:
    """The bids for one auction waiting in this process. While nothing is being placed a bid
    goes to the database at once, alone; bids arriving while a transaction is under way wait
    for it and then go together, in arrival order, in the next one (group commit). Placing
    them takes the project row lock, so one at a time per auction is all the database allows
    anyway; together they share the lock, the reads, the writes and the commit. Each bidder
    still gets its own answer, as soon as its transaction commits."""

    def __init__(self, project_id: int):
        self.project_id = project_id
        self.waiting: list[tuple[BidOrder, asyncio.Future]] = []
        self.draining: asyncio.Task | None = None

    async def place(self, order: BidOrder) -> Bid:
        """Place ``order``; its ``Bid``, or raise its refusal."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((order, future))
        if self.draining is None:
            self.draining = asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                try:
                    results = await asyncio.get_running_loop().run_in_executor(
                        _BID_THREAD, _in_bid_thread, self.project_id,
                        [order for order, _future in batch])
                except Exception as exc:  # noqa: BLE001 - every waiting bidder hears of it
                    results = [exc] * len(batch)
                for (_order, future), result in zip(batch, results, strict=True):
                    if future.done():   # the bidder went away meanwhile
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.draining = None
            key = (asyncio.get_running_loop(), self.project_id)
            if _queues.get(key) is self and not self.waiting:
                del _queues[key]


_queues: dict[tuple[asyncio.AbstractEventLoop, int], BidQueue] = {}
"""The queues of this process, per event loop (one under Daphne; a test's loop may close with a
bid on its way, and its futures must not outlive it) and auction."""


_BID_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="bids")
"""The thread (and so the database connection) every bid of this process is placed on, as the
floor's one database thread: a hop to a plain executor costs about 60 % of
``database_sync_to_async``'s (0.43 against 0.71 ms a call after 50 ms idle, measured on this
project's CI machine kind on 2026-12-02), and bids never queue behind the snapshots of watchers
connecting. One is enough: an auction's bids hold its row lock one transaction at a time
anyway, and bids on several auctions arriving together share the thread in turn. The thread
inherits no request context: each bid carries the language its refusal is written in."""


def _in_bid_thread(project_id: int, orders: list[BidOrder]) -> list:
    """``_place_many`` as ``database_sync_to_async`` runs a call: a connection that broke or
    outlived ``CONN_MAX_AGE`` is closed before and after."""
    close_old_connections()
    try:
        return _place_many(project_id, orders)
    finally:
        close_old_connections()


def _place_many(project_id: int, orders: list[BidOrder]) -> list:
    return bid_place_many(project=Project(pk=project_id), orders=orders)


def bid_queue(project_id: int) -> BidQueue:
    key = (asyncio.get_running_loop(), project_id)
    queue = _queues.get(key)
    if queue is None:
        queue = _queues[key] = BidQueue(project_id)
    return queue


def _usable_ref(ref):
    """The client's ``ref`` if it can be echoed as it came (a short string, an integer),
    else ``None``: a NaN, a list or a long text is not sent back."""
    if isinstance(ref, str) and len(ref) <= MAX_REF:
        return ref
    if isinstance(ref, int) and not isinstance(ref, bool) and abs(ref) < 2 ** 53:
        return ref
    return None


class AuctionConsumer(AsyncWebsocketConsumer):
    # Group events come through the process relay, not through a channel per connection.
    channel_layer_alias = None

    project_id: int = 0
    group: str = ""
    following = None   # the relay this connection follows its group through
    timing = False     # holds a reference on the project's closing timer
    held: list[str] | None = None   # relayed frames kept back while a request is answered
    direct_write = None   # core.direct: writes a relayed frame on the socket, if the server allows

    async def send_json(self, content: dict) -> None:
        """An answer (snapshot, acknowledgement, error, pong): written straight to the socket
        like a relayed frame when the server allows it (``core/direct.py``: no autobahn
        framing, no wait for Twisted's next write turn, which behind a fan-out round of a
        thousand sockets is that round), else through Channels."""
        await self._send_text(encode(content))

    async def _send_text(self, text: str) -> None:
        """``text`` to the client: straight to the socket when the server allows it, else
        through Channels (the direct writer queues behind what Twisted still holds, so frames
        keep their order either way)."""
        if self.direct_write is None or not self.direct_write(text_frame(text)):
            await self.send(text_data=text)

    async def connect(self):
        self.project_id = int(self.scope["url_route"]["kwargs"]["project_id"])
        self.user = self.scope.get("user")
        self.group = group_name(self.project_id)
        self.direct_write = self.scope.get("direct_write")
        # Follow before reading the snapshot so nothing committed in between is missed, and
        # hold what is relayed until the snapshot is out; the client drops relayed events whose
        # seq the snapshot already covers. One hop to the database thread per snapshot.
        self.held = []
        self.following = relay()
        if self.following is not None:
            await self.following.join(self.group, self, self.relay_frame,
                                      conflate=conflate_bids, write=self.relay_write)
        error = None
        try:
            snap = await database_sync_to_async(self._snapshot)()
        except NotFound:
            self.held = None
            self._stop_following()
            await self.close(code=4404)
            return
        except MarketplaceError as exc:
            snap, error = None, exc
        await self.accept()
        _timer_acquire(self.project_id)
        self.timing = True
        if error is not None:
            await self.send_error(error.code, str(error))
        else:
            await self.send_json({"type": "snapshot", **snap})
        await self._release_held()

    async def disconnect(self, code):
        self._stop_following()

    def _stop_following(self) -> None:
        following, self.following = self.following, None
        if following is not None:
            following.leave(self.group, self)
        if self.timing:
            self.timing = False
            _timer_release(self.project_id)

    async def __call__(self, scope, receive, send):
        """The ASGI application, as Channels runs it, plus clean-up when it ends. It speaks the
        language of the page (``core/languages.py``): the snapshot's status and unit, the
        eligibility reasons and refusals; the database thread inherits it."""
        try:
            with translation.override(scope_language(scope)):
                await super().__call__(scope, receive, send)
        finally:  # also when the server cancels the instance without a disconnect
            self._stop_following()

    def relay_write(self, framed: bytes) -> bool:
        """A relayed frame written straight to the connection, if nothing is held back and
        the server allows it (``core/direct.py``); ``False`` sends it through ``relay_frame``."""
        return self.held is None and self.direct_write is not None and self.direct_write(framed)

    async def relay_frame(self, text: str, framed: bytes) -> None:
        """A ``bids``, ``auction.closed`` or ``resync`` frame from the relay that
        ``relay_write`` declined: held back while a request is answered, else sent as it is
        through Channels (the socket is not Daphne's, or not open)."""
        if self.held is not None:
            self.held.append(text)
        else:
            await self.send(text_data=text)

    @contextlib.asynccontextmanager
    async def holding_frames(self):
        """Answer a request (snapshot, bid) before relaying what was broadcast meanwhile, as
        a consumer reading its own channel would: the snapshot comes first and the client
        drops the events it already covers; a bidder gets its ``bid.accepted`` before the
        ``bids`` frame carrying the same bid."""
        if self.held is not None:   # nested: the outer request releases them
            yield
            return
        self.held = []
        try:
            yield
        finally:
            await self._release_held()

    async def _release_held(self) -> None:
        held, self.held = self.held, None
        for text in held or ():
            await self._send_text(text)

    async def send_snapshot(self):
        async with self.holding_frames():
            try:
                snap = await database_sync_to_async(self._snapshot)()
            except MarketplaceError as exc:
                await self.send_error(exc.code, str(exc))
                return
            await self.send_json({"type": "snapshot", **snap})

    def _snapshot(self) -> dict:
        return auction_state(project_id=self.project_id, user=self.user)

    async def send_error(self, code: str, message: str, **extra):
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    # --- frames from the client -------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Every frame a client may send ends in an answer or a clean close, never in an
        exception (1011): too long → close 1009 before parsing; binary, not JSON, nested too
        deeply, a number over ``int()``'s digit limit → a ``malformed`` error frame."""
        size = len(text_data.encode("utf-8", "surrogatepass")) if text_data is not None \
            else len(bytes_data or b"")
        if size > MAX_FRAME:
            self._stop_following()
            await self.close(code=CLOSE_TOO_BIG)
            return
        if text_data is None:
            await self.send_error("malformed", _("Send JSON text frames."))
            return
        try:
            content = json.loads(text_data, parse_float=Decimal)
        except (ValueError, RecursionError):
            await self.send_error("malformed", _("The message is not valid JSON."))
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_error("malformed", _("Send a JSON object with a \"type\"."))
            return
        kind = content.get("type")
        if kind == "bid":
            await self.handle_bid(content)
        elif kind == "resync":
            await self.send_snapshot()
        elif kind == "ping":
            await self.send_json({"type": "pong", "server_time": iso(timezone.now())})
        else:
            await self.send_error("unknown_type",
                                  _("Unknown message type; use \"bid\", \"resync\" or \"ping\"."))

    async def handle_bid(self, content: dict):
        value = content.get("value")
        ref = _usable_ref(content.get("ref"))
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            await self.send_error("not_a_number", _("Enter your bid as a number, e.g. 95000.00."),
                                  ref=ref)
            return
        async with self.holding_frames():
            try:
                bid = await bid_queue(self.project_id).place(
                    BidOrder(self.user, value, translation.get_language()))
            except MarketplaceError as exc:
                await self.send_error(exc.code, str(exc), ref=ref)
                return
            await self.send_json({"type": "bid.accepted", "seq": bid.seq,
                                  "value": format(bid.value, "f"),
                                  "placed_at": iso(bid.placed_at), "ref": ref})
