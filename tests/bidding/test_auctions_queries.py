"""Queries on the live-bidding hot path: an accepted bid, and the snapshot a watcher gets on
connect and on every resync. Every rule is still checked on every bid (sanctions included);
these bounds catch a rule that starts costing a query per bidder, per bid or per watcher."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bidding.models import Bid
from bidding.selectors.auctions import auction_snapshot
from bidding.services.auctions import bid_place
from core.models import AuditEvent
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db

# An accepted bid: the locked project row; the bidder's sign-up with its agency, its
# eligibility facts (offers, avoidance, whether a sanction blocks it, whether the project
# requires qualifications, sign-up) and the best bid; the insert; the project update; the
# audit record (head lock, insert, head update) — plus the savepoints of the two atomic
# blocks, which the test transaction turns into queries (the outer one is none outside
# tests). The sanctions and the required qualifications are read only when a fact says they
# refuse or matter. It was 17, then 13.
MAX_QUERIES_PER_BID = 11


def user_of(signup):
    return signup.agency.organisation.members.first().user


def test_an_accepted_bid_costs_a_bounded_number_of_queries_whatever_the_ladder_length():
    project, signups = bf.live_auction(bidders=3)
    users = [user_of(s) for s in signups]
    for i in range(9):
        bid_place(actor=users[i % 3], project=project, value=99000 - 500 * i)
    with CaptureQueriesContext(connection) as ctx:
        bid = bid_place(actor=users[0], project=project, value="94000")
    assert bid.seq == 10 and Bid.objects.filter(project=project).count() == 10
    assert AuditEvent.objects.filter(action="bid.placed", object_id=str(bid.pk)).exists()
    assert len(ctx) <= MAX_QUERIES_PER_BID, "\n".join(q["sql"][:160] for q in ctx)


def test_a_refused_bid_from_a_watcher_stops_before_any_write():
    project, signups = bf.live_auction(bidders=2)
    with CaptureQueriesContext(connection) as ctx, pytest.raises(Exception):
        bid_place(actor=project.created_by, project=project, value="95000")
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in ctx)


def test_a_watcher_snapshot_reads_only_new_bids_and_needs_no_query_per_bid():
    project, signups = bf.live_auction(bidders=3)
    users = [user_of(s) for s in signups]
    for i in range(12):
        bid_place(actor=users[i % 3], project=project, value=99000 - 500 * i)
    first = auction_snapshot(project=project.pk, user=AnonymousUser())
    with CaptureQueriesContext(connection) as ctx:
        again = auction_snapshot(project=project.pk, user=AnonymousUser())
    assert again["ladder"] == first["ladder"] and len(again["ladder"]) == 12
    assert len(ctx) <= 2   # the project and its sign-ups; the ladder is already known
    bid_place(actor=users[0], project=project, value="90000")
    with CaptureQueriesContext(connection) as ctx:
        newer = auction_snapshot(project=project.pk, user=AnonymousUser())
    assert [r["seq"] for r in newer["ladder"]] == list(range(1, 14))
    assert newer["ladder"][-1] == {"seq": 13, "label": "A", "value": "90000.00",
                                   "placed_at": newer["ladder"][-1]["placed_at"]}
    assert len(ctx) <= 3   # … and the one bid committed since
