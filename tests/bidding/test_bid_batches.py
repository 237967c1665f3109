"""Group commit (``bid_place_many``): bids on one auction placed together in one transaction
are each checked as if they came alone after the ones before them, a refused bid leaves the
others alone, and what they share (lock, writes, audit append, commit) is paid once. Over the
WebSocket, bids that arrive while others are being placed go together (``BidQueue``)."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bidding.models import Bid, Project
from bidding.services.auctions import BidOrder, bid_place, bid_place_many
from core.audit import audit_verify
from core.errors import Conflict, MarketplaceError, NotAllowed, ValidationFailed
from core.models import AuditEvent
from tests.bidding.test_auctions_queries import MAX_QUERIES_PER_BID
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db


def user_of(signup):
    return signup.agency.organisation.members.first().user


def codes(results):
    return [r.code if isinstance(r, MarketplaceError) else r.seq for r in results]


def test_each_bid_of_a_batch_is_checked_against_the_ones_before_it():
    project, signups = bf.live_auction(bidders=3)
    a, b, c = (user_of(s) for s in signups)
    results = bid_place_many(project=project, orders=[
        BidOrder(a, "95000"),        # first: accepted, seq 1
        BidOrder(a, "94000"),        # a leads: against itself
        BidOrder(b, "94800"),        # not a full step (500) below 95000
        BidOrder(b, "94500"),        # accepted, seq 2
        BidOrder(c, "abc"),          # not a number
        BidOrder(project.created_by, "90000"),   # the purchaser watches
        BidOrder(c, "200000"),       # above the ceiling
        BidOrder(a, "94000"),        # accepted, seq 3
    ])
    assert codes(results) == [1, "already_leading", "step", 2, "not_a_number", "watcher",
                              "above_ceiling", 3]
    project.refresh_from_db()
    assert project.last_seq == 3 and project.best_bid.value == 94000
    assert list(Bid.objects.filter(project=project).order_by("seq")
                .values_list("seq", "value", "signup__label")) == [
        (1, 95000, "A"), (2, 94500, "B"), (3, 94000, "A")]
    events = AuditEvent.objects.filter(action="bid.placed").order_by("seq")
    assert [e.data["seq"] for e in events] == [1, 2, 3]
    assert len({e.stream for e in events}) == 1   # one auction's bids chain together
    assert audit_verify().ok


def test_a_batch_gives_the_same_results_as_the_same_bids_one_by_one():
    orders = [(0, "99000"), (1, "98600"), (1, "98500"), (2, "98000"), (0, "98000"),
              (0, "97000"), (2, "96999.5"), (2, "96000.001"), (1, "96500")]
    outcomes = []
    for together in (False, True):
        project, signups = bf.live_auction(bidders=3)
        users = [user_of(s) for s in signups]
        if together:
            results = bid_place_many(project=project,
                                     orders=[BidOrder(users[i], v) for i, v in orders])
        else:
            results = []
            for i, v in orders:
                try:
                    results.append(bid_place(actor=users[i], project=project, value=v))
                except MarketplaceError as exc:
                    results.append(exc)
        outcomes.append((codes(results), [str(r) for r in results
                                          if isinstance(r, MarketplaceError)]))
    assert outcomes[0] == outcomes[1]


def test_a_batch_shares_its_queries():
    """Ten bids from two bidders: one lock, one read per bidder, one insert, one project
    update, one audit append — about what a single bid costs, not ten times it."""
    project, signups = bf.live_auction(bidders=2)
    a, b = (user_of(s) for s in signups)
    orders = [BidOrder((a, b)[i % 2], 99000 - 500 * i) for i in range(10)]
    with CaptureQueriesContext(connection) as ctx:
        results = bid_place_many(project=project, orders=orders)
    assert codes(results) == list(range(1, 11))
    assert len(ctx) <= MAX_QUERIES_PER_BID + 1, "\n".join(q["sql"][:160] for q in ctx)


def test_a_batch_in_the_last_minutes_extends_the_end_once_and_every_bid_carries_it():
    project, signups = bf.live_auction(bidders=2)
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() + dt.timedelta(seconds=30))
    a, b = (user_of(s) for s in signups)
    results = bid_place_many(project=project, orders=[BidOrder(a, "95000"),
                                                      BidOrder(b, "94000")])
    project.refresh_from_db()
    assert project.auction_extensions == 1
    assert project.auction_ends_at > timezone.now() + dt.timedelta(minutes=1)
    events = AuditEvent.objects.filter(action="bid.placed").order_by("seq")
    assert [e.data["extended"] for e in events] == [True, False]
    assert len({e.data["ends_at"] for e in events}) == 1   # the second bid kept that end
    assert codes(results) == [1, 2]


def test_after_the_deadline_every_bid_of_the_batch_is_refused_and_the_auction_closed():
    project, signups = bf.live_auction(bidders=2)
    a, b = (user_of(s) for s in signups)
    bid_place(actor=a, project=project, value="95000")
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    results = bid_place_many(project=project, orders=[BidOrder(b, "94000"),
                                                      BidOrder(a, "x"), BidOrder(b, "93000")])
    assert codes(results) == ["auction_closed", "not_a_number", "auction_closed"]
    project.refresh_from_db()
    assert project.status != Project.Status.SELECTING and project.last_seq == 1


def test_each_refusal_of_a_batch_speaks_its_bidders_language():
    project, signups = bf.live_auction(bidders=2)
    a, b = (user_of(s) for s in signups)
    results = bid_place_many(project=project, orders=[
        BidOrder(a, "95000"), BidOrder(a, "94000", "zh-hans"), BidOrder(b, "1.234", "en"),
        BidOrder(b, "94900", "zh-hans")])
    assert isinstance(results[0], Bid)
    assert isinstance(results[1], Conflict) and "最优" in str(results[1])
    assert isinstance(results[2], ValidationFailed) and "two decimal places" in str(results[2])
    assert results[3].code == "step" and "至少" in str(results[3])


def test_an_unknown_project_refuses_every_bid_of_the_batch():
    project, signups = bf.live_auction(bidders=1)
    a = user_of(signups[0])
    results = bid_place_many(project=Project(pk=999_999), orders=[BidOrder(a, "95000"),
                                                                 BidOrder(a, "94000")])
    assert [r.code for r in results] == ["not_found", "not_found"]


def test_a_watchers_refusal_is_not_shared_with_another_watcher_of_the_batch():
    project, signups = bf.live_auction(bidders=1)
    outsider = bf.bidding_agency(project)
    results = bid_place_many(project=project, orders=[
        BidOrder(project.created_by, "95000"), BidOrder(user_of_agency(outsider), "95000")])
    assert all(isinstance(r, NotAllowed) and r.code == "watcher" for r in results)
    assert str(results[0]) != str(results[1])   # not an agency / not signed up


def user_of_agency(agency):
    return agency.organisation.members.first().user


# --- over the WebSocket: the queue ------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_bids_arriving_together_are_placed_in_fewer_transactions_and_all_answered(
        monkeypatch):
    from channels.db import database_sync_to_async

    from bidding import consumers
    from tests.bidding.test_consumers import auction, connect

    project, signups, users = await auction(bidders=8)
    comms = [(await connect(project, user))[0] for user in users]
    calls = []
    real = consumers._place_many

    def counting(project_id, orders):
        calls.append(len(orders))
        return real(project_id, orders)

    monkeypatch.setattr(consumers, "_place_many", counting)
    for i, comm in enumerate(comms):   # sent at once: each a full step below the one before
        await comm.send_json_to({"type": "bid", "value": str(99000 - 500 * i), "ref": i})
    answers = {}
    for i, comm in enumerate(comms):
        while i not in answers:
            frame = await comm.receive_json_from(timeout=10)
            if frame.get("ref") == i:
                answers[i] = frame
    assert sum(calls) == 8 and len(calls) < 8, calls
    accepted = sorted(a["seq"] for a in answers.values() if a["type"] == "bid.accepted")
    refused = [a for a in answers.values() if a["type"] == "error"]
    assert accepted == list(range(1, len(accepted) + 1))
    assert all(a["code"] == "step" for a in refused)   # overtaken by a lower one before it
    count = await database_sync_to_async(Bid.objects.filter(project=project).count)()
    assert count == len(accepted) >= 1
    for comm in comms:
        await comm.disconnect()
    assert not consumers._queues


def test_the_queue_gives_every_bid_its_own_answer_when_the_database_fails(monkeypatch):
    from bidding import consumers

    def broken(project_id, orders):
        raise RuntimeError("database went away")

    monkeypatch.setattr(consumers, "_place_many", broken)

    async def run():
        queue = consumers.bid_queue(12345)
        return await asyncio.gather(*(queue.place(BidOrder(None, "1")) for _ in range(3)),
                                    return_exceptions=True)

    results = asyncio.run(run())
    assert [type(r) for r in results] == [RuntimeError] * 3
    assert not [key for key in consumers._queues if key[1] == 12345]
