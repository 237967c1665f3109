"""Broadcasts over the channel layer, both ends.

Sending: side effects after commit only, so a bid that rolls back is never broadcast
(``docs/conventions.md``). ``broadcast(group, event)`` queues the event; on commit ``send_now``
serialises it to JSON *once* and sends ``{"type": "relay.frame", "group": …, "texts": [text]}``
to the group. In a process that serves WebSockets (it has a ``LayerIO`` thread) the text is
handed to that thread, which sends in commit order — whatever queued up during one send goes
out together in the next message — and the bid's worker thread goes on without waiting for
Redis; elsewhere (HTTP under WSGI, a management command) it is sent at once with ``async_to_sync``.

Receiving: a WebSocket connection does not join the group itself. Each server event loop has
one ``Relay``: a single channel-layer channel that joins ``group`` while at least one local
connection follows it; each frame is read once and the same text written to every local
connection, in order. With a thousand watchers on one auction a broadcast is one Redis
message per Daphne process instead of a thousand queued copies, each woken, decoded,
dispatched (with a thread hop to close database connections) and re-encoded by its own
consumer. The channel-layer calls themselves run on the ``LayerIO`` thread, so the server
loop, busy writing to sockets, never waits on Redis round trips.

Delivery stays at most once (a full channel drops messages; a Redis outage loses frames), so
every event a client relies on carries a sequence number and clients resync on a gap
(``docs/architecture.md``, "Real-time").

Surviving a Redis restart: channels-redis keeps group memberships in Redis (a sorted set per
group, expiring after ``group_expiry``), so a Redis restarted without persistence has forgotten
every relay, and redis-py reconnects silently: nothing fails, frames just stop arriving. The
relay therefore checks and renews its memberships every ``Relay.CHECK_S`` (well before the
expiry too), and whenever a membership had to be re-created, or a receive, renewal or send
failed since the last check, it sends its local connections a ``{"type": "resync"}`` frame once
the membership is back: each client re-reads the snapshot and carries on, without reloading
(``tests/live/test_redis_restart.py``).
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Hashable

import channels.layers
import channels_redis.core
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from core.direct import text_frame

log = logging.getLogger(__name__)

FRAME = "relay.frame"
Deliver = Callable[[str, bytes], Awaitable[None]]
Write = Callable[[bytes], bool]
Conflate = Callable[[list[str]], list[str]]


class RedisChannelLayer(channels_redis.core.RedisChannelLayer):
    """channels-redis's layer (``settings.CHANNEL_LAYERS`` when ``REDIS_URL`` is set) plus
    ``group_renew``, with which the relay notices a Redis that restarted empty."""

    async def group_renew(self, group: str, channel: str) -> bool:
        """``group_add`` in one round trip, answering whether the membership had been lost
        (ZADD counts the members it created; a live membership only gets a fresh score)."""
        assert self.require_valid_group_name(group), "Group name not valid"
        assert self.require_valid_channel_name(channel), "Channel name not valid"
        pipe = self.connection(self.consistent_hash(group)).pipeline(transaction=False)
        pipe.zadd(self._group_key(group), {channel: time.time()})
        pipe.expire(self._group_key(group), self.group_expiry)
        created, _ = await pipe.execute()
        return bool(created)


class InMemoryChannelLayer(channels.layers.InMemoryChannelLayer):
    """Channels' in-memory layer (the embedded default) plus ``group_renew`` (it drops a
    channel from its groups when a message to it expires, or after ``group_expiry``), and safe
    across the event loops of one process. A channel's queue is an ``asyncio.Queue`` whose
    reader waits in one loop; Channels' ``send`` puts into it from whatever loop it runs in,
    which from another thread (``LayerIO``'s loop, sending for a worker thread) wakes nobody:
    the live badge's frame then waited for an unrelated wake-up. Here a put into a queue whose
    reader waits in another running loop is made in that loop; a put with no reader waiting
    only appends, from any thread, and the next read finds it. (Made in the owner's loop every
    time, the put waited for that loop's turn and the relay's frames of one tick were split.)"""

    async def send(self, channel, message):
        queue = self.channels.get(channel)
        owner = getattr(queue, "_loop", None)   # asyncio.Queue's loop, bound by its reader
        if owner is not None and owner is not asyncio.get_running_loop() \
                and owner.is_running() and getattr(queue, "_getters", None):
            done = asyncio.run_coroutine_threadsafe(super().send(channel, message), owner)
            await asyncio.wrap_future(done)
            return
        await super().send(channel, message)

    async def group_renew(self, group: str, channel: str) -> bool:
        lost = channel not in self.groups.get(group, {})
        await self.group_add(group, channel)
        return lost


async def group_renew(layer, group: str, channel: str) -> bool:
    """Renew ``channel``'s membership of ``group``; True if it had been lost (only a layer
    with ``group_renew`` can tell: any other just has it re-added)."""
    renew = getattr(layer, "group_renew", None)
    if renew is not None:
        return await renew(group, channel)
    await layer.group_add(group, channel)
    return False


def encode(event: dict) -> str:
    return json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def frame(group: str, texts: list[str]) -> dict:
    """The channel-layer message carrying serialised events, oldest first."""
    return {"type": FRAME, "group": group, "texts": texts}


RESYNC = encode({"type": "resync"})   # to local connections: frames may have been lost


def send_now(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    text = encode(event)
    io = _ios.get(layer)
    if io is not None:
        io.post(group, text)
    else:
        async_to_sync(layer.group_send)(group, frame(group, [text]))


def broadcast(group: str, event: dict) -> None:
    """Queue ``event`` (a dict whose ``type`` is dotted, e.g. ``bid.placed``) to ``group`` once
    the surrounding transaction commits."""
    transaction.on_commit(lambda: send_now(group, event))


class LayerIO:
    """A daemon thread with its own event loop that makes this process's channel-layer calls
    for the relays and for broadcasts: the server's loop, busy writing frames to a thousand
    sockets, never waits on Redis round trips, and a bid's worker thread hands its broadcast
    over without waiting at all. Broadcasts go out in the order they were posted; those that
    queue up during one send go out together in the next message."""

    def __init__(self, layer):
        self.layer = layer
        self.loop = asyncio.new_event_loop()
        self._outbox: collections.deque = collections.deque()
        self._sender: asyncio.Task | None = None
        self._wake: asyncio.Event | None = None
        threading.Thread(target=self.loop.run_forever, name="channel-layer-io",
                         daemon=True).start()

    def submit(self, coro) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def post(self, group: str, text: str) -> None:
        """Send a serialised event to ``group``, from any thread."""
        self.loop.call_soon_threadsafe(self._enqueue, group, text)

    def _enqueue(self, group: str, text: str) -> None:
        self._outbox.append((group, text))
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if self._sender is None or self._sender.done():
            self._sender = self.loop.create_task(self._send())

    async def _send(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            pending: dict[str, list[str]] = {}
            while self._outbox:
                group, text = self._outbox.popleft()
                pending.setdefault(group, []).append(text)
            for group, texts in pending.items():
                try:
                    await self.layer.group_send(group, frame(group, texts))
                except Exception:  # noqa: BLE001 - at most once: clients resync on the gap
                    log.warning("relay: sending to %s failed", group, exc_info=True)
                    with _registry_lock:   # our own connections missed it too
                        relays = [r for r in _relays.values() if r.io is self]
                    for r in relays:
                        if group in r._members:
                            r._stale.add(group)


class Relay:
    """One server event loop's member of every group a local connection follows.

    ``join`` and ``leave`` are called by connections (in the server loop); the channel layer
    sees one ``group_add`` when the first local connection follows a group and one
    ``group_discard`` after the last one left, made in order on the ``LayerIO`` thread, which
    also reads the relay's channel and hands each message to the server loop. There, the
    fan-out writes each frame to every local connection, yielding every ``CHUNK`` connections.

    Conflation, as market-data feeds do it: fan-out rounds start at least ``TICK_S`` apart,
    and at least ``SPACING`` times as long as the last round spent writing (its yields not
    counted), so that writing to a thousand sockets takes at most about half of the loop
    whatever the rate and bids and acknowledgements keep the rest. A frame arriving after a
    quiet spell goes out at once; those arriving meanwhile wait for the next round and go out
    together, passed first through the group's ``conflate`` function (given by the first
    connection that joins, e.g. the auction's, which merges consecutive bids into one frame
    carrying their sequence range). So a watcher gets at most one frame per round per group
    whatever the bid rate, and the cost of a fan-out no longer grows with it. Measured
    (``bench/bidding.py``, 1,000 watchers): a round writes for about 13–19 ms, so rounds are
    26–38 ms apart at 100 bids/s and a bid every 50 ms (20/s) still goes out alone, at once
    (with 3 × the rounds were 40–60 ms apart and the fan-out p99 at 20/s was 69–84 ms instead
    of 36–40 ms).
    Every ``CHECK_S`` the memberships are renewed; one that
    was lost (Redis restarted empty) or that may have missed frames (a receive, renewal or send
    failed, or the ``group_add`` of a join) is re-created and its local connections get a
    ``resync`` frame (module docstring).
    """

    CHECK_S = 1.0
    CHUNK = 100
    TICK_S = 0.02
    SPACING = 2
    """Rounds start at least this many times the last one's writing time apart."""

    def __init__(self, io: LayerIO, loop: asyncio.AbstractEventLoop):
        self.io = io
        self.layer = io.layer
        self.loop = loop
        self.subscribers: dict[str, dict[Hashable, tuple[Write | None, Deliver]]] = {}
        self.conflaters: dict[str, Conflate] = {}
        self.joined: dict[str, asyncio.Future] = {}   # group → its group_add, done or not
        self._inbox: collections.deque = collections.deque()
        self._inbox_ready = asyncio.Event()
        self._fan_out_task: asyncio.Task | None = None
        # Owned by the LayerIO loop:
        self.channel: str | None = None
        self._members: set[str] = set()               # groups joined in the layer
        self._stale: set[str] = set()                 # … that may have missed frames
        self._ops: asyncio.Lock | None = None
        self._reading: list[asyncio.Task] = []

    # --- server loop ------------------------------------------------------------------------

    async def join(self, group: str, key: Hashable, deliver: Deliver, *,
                   conflate: Conflate | None = None, write: Write | None = None) -> None:
        """Follow ``group``: ``deliver(text, framed)`` gets every frame sent to it from when
        this returns (so a snapshot read afterwards misses nothing), as text and as the bytes
        of its WebSocket frame (``core.direct.text_frame``, built once for all connections).
        ``write(framed)``, if given, is tried first: a plain function that writes the frame
        itself and answers whether it did (``False``: ``deliver`` is awaited instead), so the
        usual case costs no coroutine per connection per frame. ``conflate(texts)`` turns the
        frames of one round into those sent (the class docstring); by default they go as sent."""
        self.subscribers.setdefault(group, {})[key] = (write, deliver)
        if conflate is not None:
            self.conflaters.setdefault(group, conflate)
        joined = self.joined.get(group)
        if joined is None:
            joined = self.joined[group] = asyncio.wrap_future(self.io.submit(self._add(group)))
        try:
            await asyncio.shield(joined)
        except Exception:
            if self.joined.get(group) is joined:   # let the next connection try again
                del self.joined[group]
            self.leave(group, key)
            raise

    def leave(self, group: str, key: Hashable) -> None:
        """Stop following ``group`` (idempotent, synchronous: safe in ``finally`` blocks)."""
        subs = self.subscribers.get(group)
        if subs is None or subs.pop(key, None) is None or subs:
            return
        del self.subscribers[group]
        self.conflaters.pop(group, None)
        if self.joined.pop(group, None) is not None:
            self.io.submit(self._discard(group))

    def _arrived(self, message: dict) -> None:
        self._inbox.append(message)
        self._inbox_ready.set()
        if self._fan_out_task is None or self._fan_out_task.done():
            self._fan_out_task = self.loop.create_task(self._fan_out())

    async def _fan_out(self) -> None:
        started = spacing = 0.0
        while True:
            await self._inbox_ready.wait()
            wait = started + spacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            started = time.monotonic()
            self._inbox_ready.clear()
            batch: dict[str, list[str]] = {}
            while self._inbox:
                message = self._inbox.popleft()
                texts = message.get("texts")
                if message.get("type") != FRAME or not isinstance(texts, list):
                    log.warning("relay: ignoring %r", message.get("type"))
                    continue
                batch.setdefault(message.get("group"), []).extend(texts)
            busy = 0.0
            for group, texts in batch.items():
                conflate = self.conflaters.get(group)
                if conflate is not None:
                    try:
                        texts = conflate(texts)
                    except Exception:  # noqa: BLE001 - a bad frame must not stop the relay
                        log.warning("relay: conflating frames of %s failed", group, exc_info=True)
                busy += await self._deliver(group, texts)
            # how soon the next round may start: a tick, or longer after a long round
            spacing = max(self.TICK_S, self.SPACING * busy)

    async def _deliver(self, group: str, texts: list[str]) -> float:
        """Deliver ``texts`` to every local follower of ``group``, letting other work through
        every ``CHUNK`` connections; returns the seconds spent delivering (not those yielded)."""
        subs = list(self.subscribers.get(group, {}).values())
        clock = time.monotonic
        since = clock()
        busy = 0.0
        frames = [(text, text_frame(text)) for text in texts]   # framed once for all
        for i, (write, deliver) in enumerate(subs, 1):
            try:
                for text, framed in frames:
                    if write is None or not write(framed):
                        await deliver(text, framed)
            except Exception:  # noqa: BLE001 - one broken connection must not stop the rest
                log.warning("relay: delivering to a connection failed", exc_info=True)
            if i % self.CHUNK == 0:
                busy += clock() - since
                await asyncio.sleep(0)   # let bids and snapshots through
                since = clock()
        return busy + clock() - since

    # --- LayerIO loop -----------------------------------------------------------------------

    def _lock(self) -> asyncio.Lock:
        if self._ops is None:
            self._ops = asyncio.Lock()
        return self._ops

    async def _add(self, group: str) -> None:
        async with self._lock():
            if self.channel is None:
                self.channel = await self.layer.new_channel()
            if not self._reading:
                loop = asyncio.get_running_loop()
                self._reading = [loop.create_task(self._read()),
                                 loop.create_task(self._watch())]
            self._members.add(group)
            try:
                await self.layer.group_add(group, self.channel)
            except Exception:  # noqa: BLE001 - Redis away: the connection still gets its
                # snapshot from the database, and a resync once the watch re-adds the group
                log.warning("relay: joining %s failed; retrying", group, exc_info=True)
                self._stale.add(group)

    async def _discard(self, group: str) -> None:
        async with self._lock():
            if group not in self._members:
                return
            self._members.discard(group)
            self._stale.discard(group)
            try:
                await self.layer.group_discard(group, self.channel)
            except Exception:  # noqa: BLE001 - the membership expires by itself
                log.warning("relay: leaving %s failed", group, exc_info=True)
            if not self._members:
                # Idle: stop polling the layer until the next join. (Cancelling a
                # channels-redis receive may drop what it had buffered: nobody is left here
                # to deliver it to.)
                for task in self._reading:
                    task.cancel()
                self._reading = []

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - Redis away: frames are lost, clients resync
                log.warning("relay: receiving failed; retrying in 1 s", exc_info=True)
                self._stale.update(self._members)   # frames lost; Redis may come back empty
                await asyncio.sleep(1)
                continue
            try:
                self.loop.call_soon_threadsafe(self._arrived, message)
            except RuntimeError:   # the server loop is closed (a finished test's loop)
                for group in list(self._members):
                    asyncio.get_running_loop().create_task(self._discard(group))
                return

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.CHECK_S)
            async with self._lock():
                for group in list(self._members):
                    try:
                        lost = await group_renew(self.layer, group, self.channel)
                    except Exception as exc:  # noqa: BLE001 - Redis away: retried next round
                        log.warning("relay: renewing %s failed: %r", group, exc)
                        self._stale.update(self._members)
                        break
                    if lost:
                        log.warning("relay: the membership of %s was lost; re-added", group)
                    if lost or group in self._stale:
                        self._stale.discard(group)
                        self._resync(group)

    def _resync(self, group: str) -> None:
        """Tell the local connections following ``group`` to re-read the snapshot (sent
        through the fan-out, so in order with the frames that arrive from now on)."""
        try:
            self.loop.call_soon_threadsafe(self._arrived, frame(group, [RESYNC]))
        except RuntimeError:   # the server loop is closed: nobody left to tell
            pass


_ios: dict = {}                 # layer → its LayerIO (created with the first relay)
_relays: dict = {}              # server loop → its Relay
_registry_lock = threading.Lock()


def relay() -> Relay | None:
    """This event loop's relay on the default channel layer (``None`` without a layer)."""
    layer = get_channel_layer()
    if layer is None:
        return None
    loop = asyncio.get_running_loop()
    with _registry_lock:
        for old in [lp for lp in _relays if lp.is_closed()]:
            del _relays[old]
        io = _ios.get(layer)
        if io is None:
            io = _ios[layer] = LayerIO(layer)
        current = _relays.get(loop)
        if current is None or current.io is not io:
            current = _relays[loop] = Relay(io, loop)
    return current
