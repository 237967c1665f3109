"""Conflating an auction's frames of one tick (bidding/frames.py)."""
from __future__ import annotations

import json

from bidding.frames import conflate_bids
from core.broadcast import RESYNC, encode


def placed(seq, *, extended=False, project=7):
    return encode({"type": "bid.placed", "project": project, "seq": seq, "label": "A",
                   "value": f"{100 - seq}.00", "placed_at": "t", "ends_at": f"end{seq}",
                   "best": f"{100 - seq}.00", "extended": extended})


def frames(texts):
    return [json.loads(t) for t in conflate_bids(texts)]


def test_consecutive_bids_become_one_frame_with_their_range_best_and_end():
    frame, = frames([placed(4), placed(5), placed(6)])
    assert (frame["type"], frame["project"], frame["from"], frame["to"]) == ("bids", 7, 4, 6)
    assert frame["best"] == "94.00" and frame["ends_at"] == "end6"
    assert [b["seq"] for b in frame["bids"]] == [4, 5, 6] and frame["extended"] is False
    assert frame["bids"][0] == json.loads(placed(4))


def test_any_extension_in_the_run_is_flagged():
    frame, = frames([placed(1), placed(2, extended=True), placed(3)])
    assert frame["extended"] is True


def test_other_frames_keep_their_place_between_runs():
    closed = encode({"type": "auction.closed", "project": 7, "seq": 3, "status": "x"})
    out = frames([placed(1), placed(2), closed, RESYNC, placed(3)])
    assert [(f["type"], f.get("from"), f.get("to")) for f in out] == [
        ("bids", 1, 2), ("auction.closed", None, None), ("resync", None, None), ("bids", 3, 3)]


def test_bids_out_of_order_are_sorted_and_a_missing_number_splits_the_range():
    out = frames([placed(6), placed(4), placed(5), placed(9), placed(5)])
    assert [(f["from"], f["to"], [b["seq"] for b in f["bids"]]) for f in out] == [
        (4, 6, [4, 5, 6]), (9, 9, [9])]


def test_nothing_in_nothing_out():
    assert conflate_bids([]) == []
