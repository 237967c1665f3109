"""The in-memory channel layer (the embedded default) delivers across the event loops of one
process: a reader waiting in one loop gets a message sent from another loop's thread at once
(``core.broadcast.InMemoryChannelLayer.send``); Channels' own put into the reader's queue
from another thread woke nobody."""
from __future__ import annotations

import asyncio
import threading
import time

from core.broadcast import InMemoryChannelLayer


def test_a_message_sent_from_another_loop_wakes_the_reader_at_once():
    layer = InMemoryChannelLayer()
    reader_loop = asyncio.new_event_loop()
    threading.Thread(target=reader_loop.run_forever, daemon=True).start()
    got: list = []
    arrived = threading.Event()

    async def read(channel):
        got.append(await layer.receive(channel))   # nothing else wakes this loop
        arrived.set()

    try:
        channel = asyncio.run_coroutine_threadsafe(layer.new_channel(), reader_loop).result(5)
        asyncio.run_coroutine_threadsafe(layer.group_add("g", channel), reader_loop).result(5)
        asyncio.run_coroutine_threadsafe(read(channel), reader_loop)
        time.sleep(0.1)                                 # the reader waits in its loop
        started = time.monotonic()
        asyncio.run(layer.group_send("g", {"type": "x.y", "n": 1}))   # from this thread's loop
        assert arrived.wait(2), "the reader was not woken"
        assert got == [{"type": "x.y", "n": 1}] and time.monotonic() - started < 0.5
    finally:
        reader_loop.call_soon_threadsafe(reader_loop.stop)
