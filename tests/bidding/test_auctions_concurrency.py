"""Concurrency of live bidding on PostgreSQL: simultaneous bids and simultaneous closes."""
from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.utils import timezone

from bidding.models import Award, Bid, Project
from bidding.services.auctions import auction_close, auctions_close_due, bid_place
from core.audit import audit_verify
from core.errors import MarketplaceError
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import bidding as bf

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, requires_postgres]


def test_twenty_agencies_firing_two_hundred_bids_at_once_keep_a_strictly_improving_gap_free_log():
    project, signups = bf.live_auction(bidders=20, step=Decimal("10.00"))
    users = [s.agency.organisation.members.first().user for s in signups]
    acked: list[tuple[int, int, Decimal]] = []
    refused: list[str] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def fire(i: int) -> None:
        rng = random.Random(i)
        for _ in range(10):
            value = Decimal("100000.00") - 10 * rng.randint(1, 3000)
            try:
                bid = bid_place(actor=users[i], project=Project(pk=project.pk), value=value)
            except MarketplaceError as exc:
                with lock:
                    refused.append(exc.code)
            except BaseException as exc:  # noqa: BLE001 - a deadlock or 500 fails the test
                with lock:
                    unexpected.append(exc)
            else:
                with lock:
                    acked.append((bid.seq, signups[i].pk, bid.value))

    at_once(20, fire)

    assert unexpected == []
    assert len(acked) + len(refused) == 200
    assert set(refused) <= {"step", "already_leading"}
    log = list(Bid.objects.filter(project=project).order_by("seq")
               .values_list("seq", "signup_id", "value"))
    assert [seq for seq, *_ in log] == list(range(1, len(log) + 1))      # no gaps
    assert sorted(acked) == log                                           # every ack is logged
    for (_, s1, v1), (_, s2, v2) in zip(log, log[1:]):
        assert v2 <= v1 - Decimal("10.00")                               # strictly improving
        assert s1 != s2                                                   # never against itself
    project.refresh_from_db()
    assert project.last_seq == len(log) and project.best_bid.seq == len(log)

    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    at_once(6, lambda i: auction_close(project=Project(pk=project.pk))
                if i % 2 else auctions_close_due())
    award = Award.objects.get(project=project)
    assert award.price == log[-1][2] and award.signup_id == log[-1][1]
    assert audit_verify().ok


def test_bids_racing_the_deadline_with_closers_make_exactly_one_award(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "ANTI_SNIPING_MINUTES": 0}
    project, signups = bf.live_auction(bidders=8, step=Decimal("10.00"))
    users = [s.agency.organisation.members.first().user for s in signups]
    bid_place(actor=users[0], project=project, value="99000")
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() + dt.timedelta(milliseconds=300))

    def act(i: int) -> None:
        for k in range(5):
            try:
                if i < 4:
                    bid_place(actor=users[i + 1], project=Project(pk=project.pk),
                              value=Decimal("98000") - 100 * (i * 5 + k))
                else:
                    auctions_close_due()
            except MarketplaceError:
                pass
            threading.Event().wait(0.1)

    at_once(8, act)
    auctions_close_due(now=timezone.now() + dt.timedelta(hours=1))
    project.refresh_from_db()
    assert project.status == Project.Status.AWARDED
    award = Award.objects.get(project=project)
    last = Bid.objects.filter(project=project).order_by("-seq").first()
    assert award.signup_id == last.signup_id and award.quote == last.value
    assert not Bid.objects.filter(project=project, placed_at__gte=award.decided_at).exists()
