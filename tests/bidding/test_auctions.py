"""Live bidding services and the snapshot selector (bidding.services.auctions,
bidding.selectors.auctions)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Agency
from bidding.models import Award, Bid, Project, SignUp
from bidding.selectors.auctions import auction_snapshot
from bidding.services.auctions import (
    auction_close,
    auction_close_if_due,
    bid_place,
    parse_bid_value,
)
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.models import AuditEvent
from tests.factories import bidding as bf
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def user_of(signup: SignUp):
    return signup.agency.organisation.members.first().user


@pytest.fixture
def sent(monkeypatch):
    """Group messages actually sent (after commit)."""
    out: list[tuple[str, dict]] = []
    monkeypatch.setattr("core.broadcast.send_now", lambda g, e: out.append((g, e)))
    return out


@pytest.fixture
def auction():
    return bf.live_auction(bidders=3)


def refresh(project: Project) -> Project:
    project.refresh_from_db()
    return project


def expire(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    return refresh(project)


# --- accepted bids ---------------------------------------------------------------------------

def test_first_bid_at_the_ceiling_is_accepted_with_seq_one_and_becomes_best(auction):
    project, (a, b, c) = auction
    bid = bid_place(actor=user_of(a), project=project, value="100000.00")
    project = refresh(project)
    assert (bid.seq, bid.value, bid.signup_id) == (1, Decimal("100000.00"), a.pk)
    assert project.last_seq == 1 and project.best_bid_id == bid.pk


def test_accepted_bids_get_gap_free_sequence_numbers(auction):
    project, (a, b, c) = auction
    for i, s in enumerate([a, b, c, a]):
        bid_place(actor=user_of(s), project=project, value=Decimal("99000") - 500 * i)
    assert list(Bid.objects.filter(project=project).values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert refresh(project).last_seq == 4


def test_bid_is_audited_and_broadcast_after_commit_with_anonymous_label_only(
        auction, sent, django_capture_on_commit_callbacks):
    project, (a, b, c) = auction
    with django_capture_on_commit_callbacks(execute=True):
        bid_place(actor=user_of(b), project=project, value="98000")
    event = AuditEvent.objects.filter(action="bid.placed").get()
    assert event.data["seq"] == 1 and event.data["value"] == "98000.00"
    (group, msg), = sent
    assert group == f"auction_{project.pk}"
    assert msg["type"] == "bid.placed" and msg["seq"] == 1 and msg["label"] == "B"
    assert msg["value"] == msg["best"] == "98000.00"
    assert b.agency.name not in str(msg) and "ends_at" in msg and "placed_at" in msg


def test_refused_bid_is_never_broadcast(auction, sent, django_capture_on_commit_callbacks):
    project, (a, b, c) = auction
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        bid_place(actor=user_of(a), project=project, value="100000.01")
    assert sent == []


# --- value checks ----------------------------------------------------------------------------

def test_bid_above_the_ceiling_is_refused(auction):
    project, (a, *_) = auction
    with pytest.raises(ValidationFailed) as err:
        bid_place(actor=user_of(a), project=project, value="100000.01")
    assert err.value.code == "above_ceiling"
    assert not Bid.objects.exists()


def test_bid_below_the_floor_is_refused(auction):
    project, (a, *_) = auction
    with pytest.raises(ValidationFailed) as err:
        bid_place(actor=user_of(a), project=project, value="59999.99")
    assert err.value.code == "below_floor"


def test_amount_bid_must_be_at_least_one_step_below_the_best(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(a), project=project, value="90000")
    with pytest.raises(ValidationFailed) as err:
        bid_place(actor=user_of(b), project=project, value="89500.01")
    assert err.value.code == "step"
    assert bid_place(actor=user_of(b), project=project, value="89500").seq == 2


def test_equal_value_is_refused_so_ties_go_to_the_earlier_bid(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(a), project=project, value="90000")
    with pytest.raises(ValidationFailed):
        bid_place(actor=user_of(b), project=project, value="90000")
    assert refresh(project).best_bid.signup_id == a.pk


def test_leader_cannot_bid_against_itself(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(a), project=project, value="90000")
    with pytest.raises(Conflict) as err:
        bid_place(actor=user_of(a), project=project, value="80000")
    assert err.value.code == "already_leading"


def test_discount_rate_mode_highest_wins_and_steps_upward():
    project, (a, b) = bf.live_auction(bidders=2, quote_mode=Project.QuoteMode.DISCOUNT)
    # ceiling 30 %, floor 5 %, step 0.5 %: the first bid may be the floor
    bid_place(actor=user_of(a), project=project, value="5")
    with pytest.raises(ValidationFailed) as err:
        bid_place(actor=user_of(b), project=project, value="5.49")
    assert err.value.code == "step"
    bid_place(actor=user_of(b), project=project, value="5.50")
    with pytest.raises(ValidationFailed) as err:
        bid_place(actor=user_of(a), project=project, value="30.50")
    assert err.value.code == "above_ceiling"


@pytest.mark.parametrize("raw", ["abc", "", "NaN", "Infinity", "-inf", True, None, [1], "1.001",
                                 "12345.678"])
def test_malformed_values_are_refused_with_a_readable_reason(raw):
    with pytest.raises(ValidationFailed) as err:
        parse_bid_value(raw)
    assert str(err.value)


@pytest.mark.parametrize("raw,expected", [("95000", "95000.00"), (95000, "95000.00"),
                                          ("95,000.5", "95000.50"), (Decimal("1E+4"), "10000.00"),
                                          (12.5, "12.50")])
def test_well_formed_values_are_normalised_to_cents(raw, expected):
    assert format(parse_bid_value(raw), "f") == expected


# --- who may bid -----------------------------------------------------------------------------

def test_purchaser_regulator_and_anonymous_are_watchers_and_cannot_bid(auction):
    project, _ = auction
    for actor in (project.created_by, regulator_user(), AnonymousUser(), None):
        with pytest.raises(NotAllowed) as err:
            bid_place(actor=actor, project=project, value="90000")
        assert err.value.code == "watcher"


def test_agency_without_a_sign_up_or_with_a_cancelled_one_cannot_bid(auction):
    project, (a, b, c) = auction
    outsider = bf.bidding_agency(project)
    with pytest.raises(NotAllowed):
        bid_place(actor=outsider.organisation.members.first().user, project=project,
                  value="90000")
    SignUp.objects.filter(pk=a.pk).update(status=SignUp.Status.CANCELLED)
    with pytest.raises(NotAllowed):
        bid_place(actor=user_of(a), project=project, value="90000")


def test_agency_suspended_mid_auction_is_refused_at_its_next_bid(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(a), project=project, value="90000")
    Agency.objects.filter(pk=b.agency_id).update(standing=Agency.Standing.SUSPENDED)
    with pytest.raises(NotAllowed):
        bid_place(actor=user_of(b), project=project, value="80000")
    assert refresh(project).last_seq == 1


# --- the window ------------------------------------------------------------------------------

def test_bid_before_the_start_is_refused():
    project, (a,) = bf.live_auction(bidders=1, started_minutes_ago=-10)
    with pytest.raises(Conflict) as err:
        bid_place(actor=user_of(a), project=project, value="90000")
    assert err.value.code == "auction_not_started"


def test_bid_on_a_project_not_in_selection_is_refused(auction):
    project, (a, *_) = auction
    Project.objects.filter(pk=project.pk).update(status=Project.Status.WITHDRAWN)
    with pytest.raises(Conflict) as err:
        bid_place(actor=user_of(a), project=project, value="90000")
    assert err.value.code == "auction_not_open"


def test_bid_after_the_deadline_is_refused_and_closes_the_auction(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(a), project=project, value="90000")
    expire(project)
    with pytest.raises(Conflict) as err:
        bid_place(actor=user_of(b), project=project, value="80000")
    assert err.value.code == "auction_closed"
    assert refresh(project).status == Project.Status.AWARDED
    assert Award.objects.get(project=project).agency_id == a.agency_id


def test_bid_in_the_last_minutes_extends_the_end(auction, settings):
    project, (a, *_) = auction
    ends = timezone.now() + dt.timedelta(minutes=1)
    Project.objects.filter(pk=project.pk).update(auction_ends_at=ends)
    bid = bid_place(actor=user_of(a), project=project, value="90000")
    extension = dt.timedelta(minutes=settings.MARKETPLACE["ANTI_SNIPING_EXTENSION_MINUTES"])
    assert refresh(project).auction_ends_at == bid.placed_at + extension > ends


def test_bid_well_before_the_end_does_not_extend_it(auction):
    project, (a, *_) = auction
    ends = project.auction_ends_at
    bid_place(actor=user_of(a), project=project, value="90000")
    assert refresh(project).auction_ends_at == ends


# --- closing ---------------------------------------------------------------------------------

def test_close_awards_the_best_bid_and_publishes_the_full_log_with_names(
        auction, sent, django_capture_on_commit_callbacks):
    project, (a, b, c) = auction
    bid_place(actor=user_of(a), project=project, value="95000")
    bid_place(actor=user_of(b), project=project, value="94000")
    expire(project)
    with django_capture_on_commit_callbacks(execute=True):
        award = auction_close(project=project)
    assert award.agency_id == b.agency_id and award.price == Decimal("94000.00")
    assert refresh(project).status == Project.Status.AWARDED
    log = award.computation["bids"]
    assert [(r["seq"], r["label"], r["agency"]) for r in log] == [
        (1, "A", a.agency.name), (2, "B", b.agency.name)]
    assert award.computation["winner"]["agency"] == b.agency.name
    closed = [m for g, m in sent if m["type"] == "auction.closed"]
    assert closed and closed[0]["winner"]["agency"] == b.agency.name
    assert closed[0]["award"]["code"] == award.code


def test_close_of_a_discount_auction_prices_the_award_from_the_base_amount():
    project, (a, b) = bf.live_auction(bidders=2, quote_mode=Project.QuoteMode.DISCOUNT)
    bid_place(actor=user_of(a), project=project, value="12.50")
    award = auction_close(project=expire(project))
    assert award.quote == Decimal("12.50") and award.price == Decimal("87500.00")


def test_close_without_bids_fails_the_project_with_a_public_reason(auction):
    project, _ = auction
    assert auction_close(project=expire(project)) is None
    project = refresh(project)
    assert project.status == Project.Status.FAILED and "流标" in project.status_reason
    assert not Award.objects.exists()


def test_close_twice_makes_exactly_one_award(auction):
    project, (a, *_) = auction
    bid_place(actor=user_of(a), project=project, value="95000")
    expire(project)
    first = auction_close(project=project)
    second = auction_close(project=project)
    assert first.pk == second.pk and Award.objects.count() == 1


def test_close_before_the_deadline_is_refused(auction):
    project, _ = auction
    with pytest.raises(Conflict):
        auction_close(project=project)
    assert refresh(project).status == Project.Status.SELECTING


def test_close_due_auctions_command_closes_only_auctions_past_their_end(auction):
    project, (a, *_) = auction
    other, _ = bf.live_auction(bidders=2)
    bid_place(actor=user_of(a), project=project, value="95000")
    expire(project)
    call_command("close_due_auctions")
    call_command("close_due_auctions")
    assert refresh(project).status == Project.Status.AWARDED
    assert refresh(other).status == Project.Status.SELECTING
    assert Award.objects.count() == 1


# --- the snapshot ----------------------------------------------------------------------------

def test_snapshot_shows_anonymous_ladder_with_own_label_and_rank(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(a), project=project, value="95000")
    bid_place(actor=user_of(b), project=project, value="94000")
    snap = auction_snapshot(project=project, user=user_of(a))
    assert snap["seq"] == 2 and snap["best"] == "94000.00" and snap["best_label"] == "B"
    assert [r["label"] for r in snap["ladder"]] == ["A", "B"]
    assert a.agency.name not in str(snap) and b.agency.name not in str(snap)
    assert snap["viewer"] == {"role": "bidder", "label": "A", "rank": 2, "can_bid": True,
                              "reason": ""}
    assert snap["ceiling"] == "100000.00" and snap["step"] == "500.00"
    assert snap["server_time"] and snap["ends_at"] and snap["open"] is True


def test_snapshot_for_watchers_says_they_cannot_bid(auction):
    project, _ = auction
    snap = auction_snapshot(project=project, user=AnonymousUser())
    assert snap["viewer"]["can_bid"] is False and snap["viewer"]["label"] is None


def test_the_snapshot_selector_never_closes_an_auction_past_its_deadline(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(c), project=project, value="95000")
    snap = auction_snapshot(project=expire(project), user=None)
    assert snap["status"] == Project.Status.SELECTING and snap["open"] is False
    assert refresh(project).status == Project.Status.SELECTING and not Award.objects.exists()


def test_read_after_the_deadline_closes_the_auction_and_reveals_names(auction):
    project, (a, b, c) = auction
    bid_place(actor=user_of(c), project=project, value="95000")
    assert auction_close_if_due(project=expire(project)) is True
    snap = auction_snapshot(project=project, user=None)
    assert snap["status"] == Project.Status.AWARDED and snap["closed"] is True
    assert snap["ladder"][0]["agency"] == c.agency.name
    assert snap["result"]["winner"]["agency"] == c.agency.name
    assert snap["result"]["award"]["code"] == Award.objects.get().code


def test_snapshot_queries_do_not_grow_with_the_number_of_bids(auction,
                                                               django_assert_max_num_queries):
    project, signups = auction
    for i in range(12):
        bid_place(actor=user_of(signups[i % 3]), project=project, value=99000 - 500 * i)
    with django_assert_max_num_queries(12):
        auction_snapshot(project=project, user=user_of(signups[0]))
