"""Reads of live bidding: the auction snapshot shared by the WebSocket (on connect and on
``resync``), ``GET /api/v1/projects/<id>/auction/`` and the auction page.

A selector never writes: each of those callers first calls the service
``bidding.services.auctions.auction_close_if_due`` (so a result is published whether or not the
consumer timer or the scheduled command ran), then reads the snapshot.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.eligibility import require_eligible
from bidding.models import Bid, Project, SignUp
from bidding.quoting import WATCHER_NOT_AGENCY, WATCHER_NOT_SIGNED_UP, iso, lower_wins, money
from core.errors import MarketplaceError, NotFound
from core.roles import organisation_of


def auction_project(project_id: int) -> Project:
    project = Project.objects.select_related("item").filter(pk=project_id).first()
    if project is None or project.status == Project.Status.DRAFT:
        raise NotFound(_("No such project."))
    if project.method != Project.Method.LIVE_BIDDING:
        raise NotFound(_("This project is not selected by live bidding."))
    return project


def ranks(ladder: list[dict]) -> dict[str, int]:
    """Rank of each bidder label by its best bid (1 = leading). Every accepted bid improves
    the best, so a later bid is always better: the last bid of each bidder is its best, and the
    order of those last bids, newest first, is the ranking."""
    last_seq: dict[str, int] = {}
    for row in ladder:
        last_seq[row["label"]] = row["seq"]
    ordered = sorted(last_seq.items(), key=lambda kv: -kv[1])
    return {label: i + 1 for i, (label, _seq) in enumerate(ordered)}


# --- the anonymous ladder, kept per process and extended with new bids only ----------------
# Bids are an append-only log with gap-free seq and labels never change once given, so the
# formatted rows up to a seq stay true: a snapshot (on connect, on resync) reads only the bids
# committed since the last one this process saw. Keyed by (id, created) so a reused id (tests,
# a restored database) never meets rows of another project.

LADDER_CACHE_SIZE = 256
_ladders: OrderedDict[tuple, list[dict]] = OrderedDict()
_ladders_lock = threading.Lock()


def anonymous_ladder(project: Project, labels: dict[int, str]) -> list[dict]:
    """Rows ``{seq, label, value, placed_at}`` of bids 1…``project.last_seq``. The list and its
    rows are shared between callers: copy before changing them."""
    key = (project.pk, project.created)
    with _ladders_lock:
        rows = _ladders.get(key, [])
    have = len(rows)
    if have > project.last_seq or (have and rows[-1]["seq"] != have):
        rows, have = [], 0
    if have < project.last_seq:
        new = (Bid.objects.filter(project=project, seq__gt=have, seq__lte=project.last_seq)
               .order_by("seq").values_list("seq", "signup_id", "value", "placed_at"))
        rows = rows + [{"seq": seq, "label": labels.get(signup_id, ""),
                        "value": money(value), "placed_at": iso(placed_at)}
                       for seq, signup_id, value, placed_at in new]
        if len(rows) != project.last_seq or (rows and rows[-1]["seq"] != project.last_seq):
            return rows  # not the gap-free log expected: answer, but do not keep it
        with _ladders_lock:
            current = _ladders.get(key)
            if current is None or len(current) < len(rows):
                _ladders[key] = rows
            _ladders.move_to_end(key)
            while len(_ladders) > LADDER_CACHE_SIZE:
                _ladders.popitem(last=False)
    return rows


def _viewer(project: Project, user, signups: list[tuple], ladder: list[dict],
            open_now: bool) -> dict:
    org = organisation_of(user)
    agency = getattr(org, "agency", None) if org is not None else None
    viewer = {"role": org.kind if org is not None else "anonymous", "label": None, "rank": None,
              "can_bid": False, "reason": ""}
    if agency is None:
        viewer["reason"] = str(WATCHER_NOT_AGENCY)
        return viewer
    label = next((lab for _pk, lab, status, agency_id in signups
                  if agency_id == agency.pk and status == SignUp.Status.ACTIVE), None)
    if label is None:
        viewer["reason"] = str(WATCHER_NOT_SIGNED_UP)
        return viewer
    viewer.update(role="bidder", label=label, rank=ranks(ladder).get(label))
    if not open_now:
        viewer["reason"] = str(_("Bidding is not open."))
        return viewer
    try:
        require_eligible(agency=agency, project=project, for_bid=True)
    except MarketplaceError as exc:
        viewer["reason"] = str(exc)
        return viewer
    viewer["can_bid"] = True
    return viewer


def auction_snapshot(*, project: Project | int, user=None) -> dict:
    """The whole state of one auction as plain JSON-ready data (read only: callers close a due
    auction first with ``auction_close_if_due``).

    Anonymous labels while bidding; after the close, real names, the award and the full log.
    Three queries for a watcher (project, sign-ups, bids not yet seen by this process); the
    eligibility check on top for a bidder.
    """
    project_id = project if isinstance(project, int) else project.pk
    proj = auction_project(project_id)
    now = timezone.now()

    closed = proj.status != Project.Status.SELECTING or proj.auction_ends_at is None
    signups = list(SignUp.objects.filter(project=proj).order_by("pk")
                   .values_list("pk", "label", "status", "agency_id"))
    started = proj.selection_at is None or now >= proj.selection_at
    open_now = (not closed and started and proj.auction_ends_at is not None
                and now < proj.auction_ends_at)
    revealed = proj.status in (Project.Status.AWARDED, Project.Status.CLOSED,
                               Project.Status.FAILED)
    if revealed:  # once, after the close: names beside the labels
        ladder = [{"seq": b.seq, "label": b.signup.label, "value": money(b.value),
                   "placed_at": iso(b.placed_at), "agency": b.signup.agency.name}
                  for b in proj.bids.select_related("signup__agency").order_by("seq")]
    else:
        ladder = anonymous_ladder(proj, {pk: label for pk, label, *_rest in signups})
    best = ladder[-1] if ladder else None
    lower = lower_wins(proj)
    snapshot = {
        "project": proj.pk,
        "title": proj.title,
        "item": proj.item.title,
        "status": proj.status,
        "status_label": str(proj.get_status_display()),
        "status_reason": proj.status_reason,
        "quote_mode": proj.quote_mode,
        "quote_mode_label": str(proj.get_quote_mode_display()),
        "lower_wins": lower,
        "unit": "%" if not lower else str(_("yuan")),  # in the reader's language
        "ceiling": money(proj.ceiling),
        "floor": money(proj.floor),
        "step": money(proj.step),
        "start_value": money(proj.ceiling if lower else proj.floor),
        "base_amount": money(proj.amount),
        "server_time": iso(now),
        "starts_at": iso(proj.selection_at),
        "ends_at": iso(proj.auction_ends_at),
        "open": open_now,
        "closed": revealed,
        "seq": proj.last_seq,
        "best": best["value"] if best else None,
        "best_label": best["label"] if best else None,
        # One snapshot for every watcher: no count while sign-ups are confidential (R4).
        "bidders": (None if proj.signups_confidential(now)
                    else sum(1 for s in signups if s[2] == SignUp.Status.ACTIVE)),
        "ladder": ladder,
        "viewer": _viewer(proj, user, signups, ladder, open_now),
        "result": None,
    }
    if revealed:
        award = (proj.awards.select_related("agency", "signup").order_by("rank", "decided_at")
                 .first())
        snapshot["result"] = {
            "status": proj.status,
            "reason": proj.status_reason,
            "winner": None if award is None else {
                "agency": award.agency.name, "label": award.signup.label,
                "quote": money(award.quote), "price": money(award.price)},
            "award": None if award is None else {
                "id": award.pk, "code": award.code, "price": money(award.price),
                "url": f"/awards/{award.pk}/"},
        }
    return snapshot
