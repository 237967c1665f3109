"""The relay's rounds (``core.broadcast.Relay``): a frame after a quiet spell goes out at once;
frames arriving while the last round was writing wait until ``SPACING`` times its writing time
has passed and then go out together, conflated; and a connection's plain ``write`` is used
before its ``deliver`` coroutine, which is awaited only when ``write`` declines."""
from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from core.broadcast import Relay, frame


def relay_with(write, deliver, conflate=None) -> Relay:
    relay = Relay(SimpleNamespace(layer=None), asyncio.get_running_loop())
    relay.subscribers["g"] = {"conn": (write, deliver)}
    if conflate is not None:
        relay.conflaters["g"] = conflate
    return relay


async def test_rounds_are_spaced_by_the_time_the_last_one_spent_writing():
    written: list[tuple[float, bytes]] = []
    writing_s = 0.03

    def write(framed: bytes) -> bool:
        time.sleep(writing_s)          # a round that takes 30 ms to write
        written.append((time.monotonic(), framed))
        return True

    async def deliver(text, framed):   # never needed: write takes every frame
        raise AssertionError("deliver was awaited although write took the frame")

    relay = relay_with(write, deliver, conflate=lambda texts: ["+".join(texts)])
    relay._arrived(frame("g", ["a"]))
    await asyncio.sleep(0.005)
    relay._arrived(frame("g", ["b"]))   # while "a" is being written
    relay._arrived(frame("g", ["c"]))
    await asyncio.sleep(Relay.SPACING * writing_s + 0.1)
    assert [f[1][2:] for f in written] == [b"a", b"b+c"]   # b and c conflated in one round
    gap = written[1][0] - written[0][0]
    assert gap >= Relay.SPACING * writing_s - 0.005, gap

    # after a quiet spell longer than the spacing, the next frame goes out at once
    quiet = time.monotonic()
    relay._arrived(frame("g", ["d"]))
    await asyncio.sleep(writing_s + 0.02)
    assert written[-1][1][2:] == b"d" and written[-1][0] - quiet < writing_s + 0.015
    relay._fan_out_task.cancel()


async def test_a_frame_the_plain_write_declines_goes_through_deliver():
    delivered = []

    async def deliver(text, framed):
        delivered.append(text)

    relay = relay_with(lambda framed: False, deliver)
    relay._arrived(frame("g", ["x"]))
    await asyncio.sleep(0.05)
    assert delivered == ["x"]
    relay._fan_out_task.cancel()
