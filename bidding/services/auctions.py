"""Live bidding (竞价选取): a reverse auction in a fixed window (docs/design.md §3).

Rules, all enforced here under the project row lock:

* The auction is open while the project is SELECTING (method live bidding) and
  ``selection_at <= now < auction_ends_at``. A bid arriving after the deadline closes the auction
  (whoever notices first closes it) and is refused.
* Only an agency with an active sign-up on the project may bid, and only while it is eligible
  (``bidding.eligibility.require_eligible(..., for_bid=True)``): an agency suspended mid-auction
  is refused at its next bid. Anybody else is a watcher and cannot bid.
* Quoting modes:

  - **amount** (lowest wins): every bid lies within ``[floor, ceiling]``; the first bid may be
    the ceiling itself (the start value); each later bid must be at least one ``step`` *below*
    the current best.
  - **discount rate** (下浮率, highest wins): every bid lies within ``[floor, ceiling]`` (percent);
    the first bid may be the floor itself; each later bid must be at least one ``step`` *above*
    the current best. The award price is ``amount × (1 − rate / 100)``.

* A value is a finite decimal with at most two decimal places (strings, ints and ``Decimal``;
  floats are taken through ``str`` so ``0.1`` means 0.10).
* The current leader may not bid against itself.
* Ties go to the earlier bid: since every accepted bid must improve the best by a full step, an
  equal value can never be accepted, so the leader is always the one that reached the price
  first (and the bid log, ordered by ``seq``, shows it).
* Anti-sniping: a bid placed less than ``ANTI_SNIPING_MINUTES`` before the end moves the end to
  ``ANTI_SNIPING_EXTENSION_MINUTES`` after that bid (never earlier than it was), so every rival
  always has that long to answer the last bid.
* Each accepted bid gets ``seq = last_seq + 1`` in the same transaction (gap-free per auction),
  is audited, and ``bid.placed`` is broadcast to ``auction_<id>`` after commit, carrying
  anonymous labels only.

``auction_close`` is idempotent and safe to call concurrently from the consumer timer, a read
after the deadline or ``manage.py close_due_auctions``: the first caller holding the lock makes
exactly one award (or fails the project when nobody bid); later callers find the project no
longer SELECTING and return what was decided.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding.eligibility import require_eligible, standing_fact_names, standing_facts
from bidding.models import Award, Bid, Project, SignUp
from bidding.quoting import (
    WATCHER_NOT_AGENCY,
    WATCHER_NOT_SIGNED_UP,
    group_name,
    iso,
    lower_wins,
    money,
)
from bidding.selectors.auctions import auction_project, auction_snapshot
from bidding.services import notices
from bidding.services.awards import award_create
from bidding.services.common import lock_project
from core.audit import audit_record, audit_record_many
from core.broadcast import broadcast
from core.errors import Conflict, MarketplaceError, NotAllowed, NotFound, ValidationFailed
from core.locking import lock
from core.money import CENT, parse_money
from core.prepared import Prepared, insert_rows, save_fields
from core.roles import organisation_of
from core.transitions import transition


def parse_bid_value(value) -> Decimal:
    """A finite decimal with at most two places, or ValidationFailed with a readable reason
    (``core.money.parse_money`` with the bid's own messages)."""
    try:
        return parse_money(value, field="value",
                           message=_("Enter your bid as a number, e.g. 95000.00."))
    except ValidationFailed as exc:
        if exc.code == "out_of_range":
            raise ValidationFailed(_("This bid is out of range."), code="out_of_range",
                                   field="value") from None
        if exc.code == "too_many_decimals":
            raise ValidationFailed(_("A bid may have at most two decimal places."),
                                   code="too_many_decimals", field="value") from None
        raise


def is_due(project: Project, now: dt.datetime | None = None) -> bool:
    """Should this auction be closed now? (Read without a lock; ``auction_close`` re-checks.)"""
    now = now or timezone.now()
    return (project.method == Project.Method.LIVE_BIDDING
            and project.status == Project.Status.SELECTING
            and project.auction_ends_at is not None and now >= project.auction_ends_at)


def _in_model_order(model, names: set[str]) -> tuple[str, ...]:
    """``names`` in the order of ``model``'s fields, the order ``Model.from_db`` expects."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


# What a bid reads of the sign-up and of its agency (eligibility's reads of the agency); "id"
# comes first in both.
_SIGNUP_FIELDS = _in_model_order(SignUp, {"id", "agency_id", "label"})
_AGENCY_FIELDS = _in_model_order(Agency, {"id", "partner_id", "standing", "gov_tie_declared",
                                          "gov_tie_department", "name"})


def _bid_read_query(*, user, project, item, best, now):
    """The bidder's active sign-up on ``project`` (user → member → organisation → agency →
    sign-up), the agency fields eligibility reads, its ``standing_facts`` at ``now`` (that it
    holds an active sign-up is this row itself) and the current best bid's value and bidder."""
    facts = standing_facts(Project(pk=project, item_id=item), now, agency="agency_id",
                           partner="agency__partner_id")
    bids = Bid.objects.filter(pk=best)
    return (SignUp.objects
            .filter(project_id=project, status=SignUp.Status.ACTIVE,
                    agency__organisation__members__user_id=user)
            .annotate(**facts, best_value=Subquery(bids.values("value")),
                      best_signup_id=Subquery(bids.values("signup_id")))
            .order_by("pk")
            .values_list(*_SIGNUP_FIELDS, *(f"agency__{f}" for f in _AGENCY_FIELDS[1:]),
                         *facts, "best_value", "best_signup_id")[:1])


# Compiled once (core/prepared.py): building this query through the ORM on every bid cost
# more CPU than the rest of the bid together. The registered standing checks' facts shape it,
# so the facts' names are its variant.
_BID_READ = Prepared(SignUp, _bid_read_query, ints=("user", "project", "item", "best"),
                     datetimes=("now",))


def bidder_signup(*, actor, project: Project, now: dt.datetime) -> tuple[SignUp, dict, Bid | None]:
    """What a bid is checked against, read fresh in one query after the project lock was
    granted (``_bid_read_query``): the actor's active sign-up with its agency, the agency's
    eligibility facts at ``now`` and the best bid (``None`` before the first). NotAllowed for
    watchers."""
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    names = standing_fact_names()
    rows = [] if user_id is None else _BID_READ.rows(
        variant=names, user=user_id, project=project.pk, item=project.item_id,
        best=project.best_bid_id, now=now)
    if not rows:
        org = organisation_of(actor)
        if org is None or getattr(org, "agency", None) is None:
            raise NotAllowed(WATCHER_NOT_AGENCY, code="watcher")
        raise NotAllowed(WATCHER_NOT_SIGNED_UP, code="watcher")
    row, alias = rows[0], _BID_READ.alias()
    n_signup, n_agency = len(_SIGNUP_FIELDS), len(_AGENCY_FIELDS)
    signup = SignUp.from_db(alias, _SIGNUP_FIELDS, row[:n_signup])
    signup.project = project
    signup.agency = Agency.from_db(alias, _AGENCY_FIELDS,
                                   (signup.agency_id, *row[n_signup:n_signup + n_agency - 1]))
    rest = row[n_signup + n_agency - 1:]
    facts = dict(zip(names, rest[:-2], strict=True), signed_up=True)
    best_value, best_signup_id = rest[-2:]
    best = (Bid(pk=project.best_bid_id, value=best_value, signup_id=best_signup_id)
            if project.best_bid_id else None)
    return signup, facts, best


def _check_open(project: Project, now: dt.datetime) -> None:
    if project.method != Project.Method.LIVE_BIDDING:
        raise Conflict(_("This project is not selected by live bidding."), code="not_auction")
    if project.status != Project.Status.SELECTING or project.auction_ends_at is None:
        raise Conflict(_("Bidding is not open for this project."), code="auction_not_open")
    if project.selection_at is not None and now < project.selection_at:
        raise Conflict(_("Bidding has not started yet; it opens at %(start)s.")
                       % {"start": timezone.localtime(project.selection_at)
                          .strftime("%Y-%m-%d %H:%M")}, code="auction_not_started")


def _check_value(project: Project, value: Decimal, best: Bid | None) -> None:
    if value > project.ceiling:
        raise ValidationFailed(_("The bid is above the ceiling of %(ceiling)s.")
                               % {"ceiling": money(project.ceiling)}, code="above_ceiling",
                               field="value")
    if value < project.floor:
        raise ValidationFailed(_("The bid is below the floor of %(floor)s.")
                               % {"floor": money(project.floor)}, code="below_floor",
                               field="value")
    if best is None:
        return
    step = project.step or CENT
    if lower_wins(project):
        limit = best.value - step
        if value > limit:
            raise ValidationFailed(
                _("A bid must be at least one step (%(step)s) below the current best "
                  "%(best)s, i.e. %(limit)s or lower.")
                % {"step": money(step), "best": money(best.value), "limit": money(limit)},
                code="step", field="value")
    else:
        limit = best.value + step
        if value < limit:
            raise ValidationFailed(
                _("A bid must be at least one step (%(step)s) above the current best "
                  "%(best)s, i.e. %(limit)s or higher.")
                % {"step": money(step), "best": money(best.value), "limit": money(limit)},
                code="step", field="value")


@dataclass(frozen=True)
class BidOrder:
    """One bid handed to ``bid_place_many``: who, what value (as it came) and the language its
    refusal is written in (``None``: the active one)."""
    actor: object
    value: object
    language: str | None = None


def _speaking(order: BidOrder):
    return translation.override(order.language) if order.language else contextlib.nullcontext()


def bid_place(*, actor, project: Project, value) -> Bid:
    """Place a bid for ``actor``'s agency; return the committed ``Bid`` or raise the refusal
    (``bid_place_many`` of one bid)."""
    result = bid_place_many(project=project, orders=[BidOrder(actor, value)])[0]
    if isinstance(result, MarketplaceError):
        raise result
    return result


def bid_place_many(*, project: Project, orders: Sequence[BidOrder]) -> list[Bid | MarketplaceError]:
    """Place bids on one auction, in the order given, in one transaction holding the project
    row lock (``core.locking.lock``); return, for each order, its committed ``Bid`` or its
    refusal. Each bid is checked exactly as if it came alone after the ones before it (the
    best, the leader, the end time move in between), and a refused bid leaves the others
    alone. What the bids share is paid once: the lock, a read per bidder, one insert of all
    the bids, one update of the project, one audit append and one commit (group commit: the
    consumer hands over every bid that arrived while the previous ones were being placed).

    If the deadline has passed, the auction is closed (after the refused bids' transaction)
    and every bid refused with ``Conflict`` code ``auction_closed``.
    """
    results: list[Bid | MarketplaceError | None] = [None] * len(orders)
    numbers: dict[int, Decimal] = {}
    for index, order in enumerate(orders):
        with _speaking(order):
            try:
                numbers[index] = parse_bid_value(order.value)
            except MarketplaceError as exc:
                results[index] = exc
    if not numbers:
        return results

    def refuse_all(make) -> None:
        for index in numbers:
            if results[index] is None:
                with _speaking(orders[index]):
                    results[index] = make()

    try:
        with transaction.atomic():
            locked = lock(Project, project, missing=_("No such project."))
            now = timezone.now()
            due = is_due(locked, now)
            if not due:
                _place_locked(project=locked, orders=orders, numbers=numbers, now=now,
                              results=results)
    except NotFound:
        refuse_all(lambda: NotFound(_("No such project.")))
        return results
    if due:
        auction_close(project=locked, now=now)
        refuse_all(lambda: Conflict(_("Bidding has ended; the bid was not accepted."),
                                    code="auction_closed"))
    return results


def _place_locked(*, project: Project, orders: Sequence[BidOrder], numbers: dict[int, Decimal],
                  now: dt.datetime, results: list) -> None:
    """Precondition: inside a transaction holding the lock on ``project``. Checks each bid of
    ``numbers`` (order index → value) in turn against the state the bids before it left, and
    writes those accepted: ``results[index]`` becomes the ``Bid`` or the refusal.

    Queries: a read per bidder (its sign-up with its agency, its eligibility facts and, for
    the first, the best bid; the detailed eligibility rules only where a fact says they
    matter), then, if any bid was accepted, the insert of the bids, the project update and
    the audit append. Nothing is re-read to build the broadcasts.
    """
    bidders: dict = {}
    best: Bid | None = None
    best_known = False
    accepted: list[tuple[int, Bid, bool, dt.datetime]] = []
    extended_any = False
    cfg = settings.MARKETPLACE
    for index, value in numbers.items():
        order = orders[index]
        with _speaking(order):
            try:
                _check_open(project, now)
                signup, read_best = _bidder(bidders, order.actor, project, now)
                if not best_known:   # within the batch the best is the one kept here
                    best, best_known = read_best, True
                _check_value(project, value, best)
                if best is not None and best.signup_id == signup.pk:
                    raise Conflict(_("You already hold the best bid; you cannot bid against "
                                     "yourself."), code="already_leading")
            except MarketplaceError as exc:
                results[index] = exc
                continue
        bid = Bid(project=project, signup=signup, seq=project.last_seq + 1, value=value,
                  placed_at=now)
        project.last_seq = bid.seq
        best = bid
        extended = False
        if project.auction_ends_at - now < dt.timedelta(minutes=cfg["ANTI_SNIPING_MINUTES"]):
            new_end = now + dt.timedelta(minutes=cfg["ANTI_SNIPING_EXTENSION_MINUTES"])
            if new_end > project.auction_ends_at:
                project.auction_ends_at = new_end
                project.auction_extensions += 1
                extended = extended_any = True
        accepted.append((index, bid, extended, project.auction_ends_at))
    if not accepted:
        return

    insert_rows([bid for _index, bid, _extended, _ends in accepted])
    project.best_bid = best
    fields = ["last_seq", "best_bid", "modified"]
    if extended_any:
        fields += ["auction_ends_at", "auction_extensions"]
    save_fields(project, fields)
    if extended_any and project.auction_extensions == 1:
        notices.auction_extended(project)  # once per auction, never per bid

    entries = []
    for index, bid, extended, ends_at in accepted:
        label = bid.signup.label or "?"
        entries.append({"actor": orders[index].actor, "action": "bid.placed", "obj": bid,
                        "data": {"project": project.pk, "seq": bid.seq, "label": label,
                                 "agency": bid.signup.agency_id, "value": money(bid.value),
                                 "ends_at": ends_at, "extended": extended,
                                 "signup": bid.signup_id}})
        broadcast(group_name(project.pk), {
            "type": "bid.placed", "project": project.pk, "seq": bid.seq, "label": label,
            "value": money(bid.value), "placed_at": iso(now), "ends_at": iso(ends_at),
            "best": money(bid.value), "extended": extended,
        })
        results[index] = bid
    audit_record_many(entries, stream=project)  # one auction's bids chain together


def _bidder(cache: dict, actor, project: Project, now: dt.datetime) -> tuple[SignUp, Bid | None]:
    """``actor``'s sign-up, checked eligible, and the best bid read with it, or the refusal;
    read once per bidder per batch (``cache``; a signed-out watcher is not kept, each is told
    in its own language). The best bid is read with the sign-up, in a statement of its own
    after the lock was granted: joined to the locking SELECT, PostgreSQL would return it as it
    was before waiting for the lock (joined tables are not re-read when the locked row
    changed), and a stale best passes the step check."""
    key = actor.pk if getattr(actor, "is_authenticated", False) else None
    found = cache.get(key) if key is not None else None
    if found is None:
        try:
            signup, facts, best = bidder_signup(actor=actor, project=project, now=now)
            require_eligible(agency=signup.agency, project=project, for_bid=True, facts=facts,
                             now=now)
            found = (signup, best, None)
        except MarketplaceError as exc:
            found = (None, None, exc)
        if key is not None:
            cache[key] = found
    signup, best, refusal = found
    if refusal is not None:
        raise refusal
    return signup, best


def bid_log(project: Project, *, names: bool) -> list[dict]:
    bids = project.bids.select_related("signup__agency").order_by("seq")
    out = []
    for b in bids:
        row = {"seq": b.seq, "label": b.signup.label, "value": money(b.value),
               "placed_at": iso(b.placed_at)}
        if names:
            row.update(agency=b.signup.agency.name, agency_id=b.signup.agency_id,
                       uscc=b.signup.agency.uscc)
        out.append(row)
    return out


def auction_close(*, project: Project, now: dt.datetime | None = None, actor=None) -> Award | None:
    """Close a live auction whose deadline has passed: award the best bid, or fail the project
    (流标) when nobody bid. Returns the award (``None`` when failed).

    Idempotent: when the project is no longer SELECTING the earlier result is returned and
    nothing is written. Raises ``Conflict`` when called before the deadline.
    """
    return _close(project=project, now=now, actor=actor)[0]


@transaction.atomic
def _close(*, project: Project, now: dt.datetime | None, actor) -> tuple[Award | None, bool]:
    """``(award or None, whether this call closed it)``; takes the project row lock."""
    now = now or timezone.now()
    locked = lock_project(project)
    if locked.method != Project.Method.LIVE_BIDDING:
        raise Conflict(_("This project is not selected by live bidding."), code="not_auction")
    if locked.status != Project.Status.SELECTING:
        return locked.awards.order_by("rank", "decided_at").first(), False
    if locked.auction_ends_at is None or now < locked.auction_ends_at:
        raise Conflict(_("Bidding is still open until %(end)s.")
                       % {"end": timezone.localtime(locked.auction_ends_at)
                          .strftime("%Y-%m-%d %H:%M:%S") if locked.auction_ends_at else "—"},
                       code="auction_open")

    log = bid_log(locked, names=True)
    if not log:
        locked.status_reason = _("No bids were placed before the bidding deadline; the "
                                 "selection failed (流标).")
        transition(locked, "fail_auction", actor=actor, fields=["status_reason"],
                   data={"ended_at": locked.auction_ends_at, "bids": 0,
                         "reason": locked.status_reason})
        notices.project_failed(locked)
        broadcast(group_name(locked.pk), {
            "type": "auction.closed", "project": locked.pk, "seq": locked.last_seq,
            "status": locked.status, "reason": locked.status_reason,
            "ends_at": iso(locked.auction_ends_at), "winner": None, "award": None,
            "ladder": [],
        })
        return None, True

    best = Bid.objects.select_related("signup__agency").get(pk=locked.best_bid_id)
    price = locked.price_for(best.value)
    computation = {
        "method": Project.Method.LIVE_BIDDING,
        "quote_mode": locked.quote_mode,
        "rule": ("lowest amount wins" if lower_wins(locked) else "highest discount rate wins")
        + "; each bid improves the best by at least one step, so ties go to the earlier bid",
        "ceiling": money(locked.ceiling), "floor": money(locked.floor),
        "step": money(locked.step), "base_amount": money(locked.amount),
        "started_at": iso(locked.selection_at), "ended_at": iso(locked.auction_ends_at),
        "bids": log,
        "winner": {"seq": best.seq, "label": best.signup.label,
                   "agency": best.signup.agency.name, "uscc": best.signup.agency.uscc,
                   "quote": money(best.value), "price": money(price)},
    }
    award = award_create(project=locked, signup=best.signup, price=price, quote=best.value,
                         computation=computation, actor=actor)
    audit_record(actor=actor, action="auction.closed", obj=locked,
                 data={"ended_at": locked.auction_ends_at, "bids": len(log),
                       "winner_seq": best.seq, "award": award.pk})
    broadcast(group_name(locked.pk), {
        "type": "auction.closed", "project": locked.pk, "seq": locked.last_seq,
        "status": Project.Status.AWARDED, "reason": "", "ends_at": iso(locked.auction_ends_at),
        "winner": computation["winner"],
        "award": {"id": award.pk, "code": award.code, "price": money(award.price),
                  "url": f"/awards/{award.pk}/"},
        "ladder": log,
    })
    return award, True


def auction_close_if_due(*, project: Project, now: dt.datetime | None = None) -> bool:
    """Close ``project``'s auction when its deadline has passed; True if it is now closed."""
    now = now or timezone.now()
    if not is_due(project, now):
        return False
    auction_close(project=project, now=now)
    return True


def auction_state(*, project_id: int, user=None) -> dict:
    """What a viewer of the auction gets (the page, ``GET …/auction/``, the WebSocket's snapshot):
    the auction closed first when its deadline has passed, so a result is published the moment
    anyone looks, then ``auction_snapshot``. ``NotFound`` for a project that is not a live
    auction."""
    auction_close_if_due(project=auction_project(project_id))
    return auction_snapshot(project=project_id, user=user)


def auctions_close_due(*, now: dt.datetime | None = None) -> list[int]:
    """Close every auction past its deadline (``manage.py close_due_auctions``). Safe to run
    twice at once: each close re-checks under the row lock. Returns the ids it closed."""
    now = now or timezone.now()
    due = list(Project.objects.filter(method=Project.Method.LIVE_BIDDING,
                                      status=Project.Status.SELECTING,
                                      auction_ends_at__lte=now)
               .order_by("pk").values_list("pk", flat=True))
    closed = []
    for pk in due:
        try:
            _, closed_now = _close(project=Project(pk=pk), now=now, actor=None)
        except Conflict:  # extended by a late bid since it was listed
            continue
        if closed_now:
            closed.append(pk)
    return closed
