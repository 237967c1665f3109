"""The frames a live auction sends its watchers, conflated (docs/architecture.md, "Real-time").

``bid_place`` broadcasts one ``bid.placed`` event per accepted bid. The process relay
(``core.broadcast.Relay``) gathers what arrives within one tick and hands it to
``conflate_bids``, which turns every run of consecutive bids into ONE frame::

    {"type": "bids", "project": 7, "from": 41, "to": 43, "best": "95000.00",
     "ends_at": "…", "extended": false, "bids": [<bid.placed 41>, <bid.placed 42>, <bid.placed 43>]}

``from``/``to`` are inclusive and ``bids`` holds every sequence number between them, in order,
each as the ``bid.placed`` object it was broadcast as; ``best`` and ``ends_at`` are the last
bid's, ``extended`` whether any of them moved the end. A client that last saw ``seq`` and
receives ``from > seq + 1`` has missed frames and asks for a resync, as before. Any other frame
(``auction.closed``, ``resync``) keeps its place between the runs; bids that arrived out of order
(two processes publishing) are sorted, and a run is split where a number is missing, so a range
never claims a bid it does not carry.

The texts are the serialised events as broadcast (``core.broadcast.encode``: no spaces), so
a run is joined as text: two JSON decodes per frame, whatever the number of bids in it.
"""
from __future__ import annotations

import json
import re

from core.broadcast import encode

_PLACED = re.compile(r'\{"type":"bid\.placed","project":\d+,"seq":(\d+),')


def conflate_bids(texts: list[str]) -> list[str]:
    """The frames to send for ``texts`` (one tick of a group, oldest first)."""
    out: list[str] = []
    run: list[tuple[int, str]] = []
    for text in texts:
        placed = _PLACED.match(text)
        if placed:
            run.append((int(placed.group(1)), text))
            continue
        out += _runs(run)
        run = []
        out.append(text)
    return out + _runs(run)


def _runs(bids: list[tuple[int, str]]) -> list[str]:
    """One ``bids`` frame per contiguous run of sequence numbers."""
    frames: list[str] = []
    chunk: list[tuple[int, str]] = []
    for seq, text in sorted(set(bids)):
        if chunk and seq != chunk[-1][0] + 1:
            frames.append(_bids_frame(chunk))
            chunk = []
        chunk.append((seq, text))
    if chunk:
        frames.append(_bids_frame(chunk))
    return frames


def _bids_frame(chunk: list[tuple[int, str]]) -> str:
    first, last = json.loads(chunk[0][1]), json.loads(chunk[-1][1])
    head = encode({"type": "bids", "project": last["project"], "from": first["seq"],
                   "to": last["seq"], "best": last["best"], "ends_at": last["ends_at"],
                   "extended": any('"extended":true' in text for _seq, text in chunk)})
    return head[:-1] + ',"bids":[' + ",".join(text for _seq, text in chunk) + "]}"
