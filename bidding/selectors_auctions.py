"""Reads of live bidding: the auction snapshot shared by the WebSocket (on connect and on
``resync``), ``GET /api/v1/projects/<id>/auction/`` and the auction page.

A read after the deadline closes the auction first (``auction_close_if_due``), so a result is
published whether or not the consumer timer or the scheduled command ran.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.models import Project
from bidding.services import auctions as svc
from marketplace.errors import MarketplaceError, NotFound
from marketplace.roles import organisation_of


def auction_project(project_id: int) -> Project:
    project = (Project.objects.select_related("item", "purchaser", "region", "best_bid__signup")
               .filter(pk=project_id).first())
    if project is None or project.status == Project.Status.DRAFT:
        raise NotFound(_("No such project."))
    if project.method != Project.Method.LIVE_BIDDING:
        raise NotFound(_("This project is not selected by live bidding."))
    return project


def ranks(project: Project, bids: list) -> dict[int, int]:
    """Rank of each sign-up by its best bid (1 = leading). Every accepted bid improves the
    best, so a later bid is always better: the last bid of each bidder is its best, and the
    order of those last bids, newest first, is the ranking."""
    last_seq: dict[int, int] = {}
    for bid in bids:
        last_seq[bid.signup_id] = bid.seq
    ordered = sorted(last_seq.items(), key=lambda kv: -kv[1])
    return {signup_id: i + 1 for i, (signup_id, _seq) in enumerate(ordered)}


def _viewer(project: Project, user, bids: list, open_now: bool) -> dict:
    org = organisation_of(user)
    agency = getattr(org, "agency", None) if org is not None else None
    viewer = {"role": org.kind if org is not None else "anonymous", "label": None, "rank": None,
              "can_bid": False, "reason": ""}
    if agency is None:
        viewer["reason"] = str(_("Watchers cannot bid: only agencies signed up for this "
                                 "project may bid."))
        return viewer
    signup = project.signups.filter(agency=agency, status="active").first()
    if signup is None:
        viewer["reason"] = str(_("Watchers cannot bid: your agency has not signed up for this "
                                 "project."))
        return viewer
    viewer.update(role="bidder", label=signup.label, rank=ranks(project, bids).get(signup.pk))
    if not open_now:
        viewer["reason"] = str(_("Bidding is not open."))
        return viewer
    try:
        svc._require_eligible(agency=agency, project=project)
    except MarketplaceError as exc:
        viewer["reason"] = str(exc)
        return viewer
    viewer["can_bid"] = True
    return viewer


def auction_snapshot(*, project: Project | int, user=None, close_if_due: bool = True) -> dict:
    """The whole state of one auction as plain JSON-ready data.

    Anonymous labels while bidding; after the close, real names, the award and the full log.
    """
    project_id = project if isinstance(project, int) else project.pk
    proj = auction_project(project_id)
    now = timezone.now()
    if close_if_due and svc.is_due(proj, now):
        svc.auction_close_if_due(project=proj, now=now)
        proj = auction_project(project_id)
        now = timezone.now()

    closed = proj.status != Project.Status.SELECTING or proj.auction_ends_at is None
    bids = list(proj.bids.select_related("signup__agency").order_by("seq"))
    started = proj.selection_at is None or now >= proj.selection_at
    open_now = (not closed and started and proj.auction_ends_at is not None
                and now < proj.auction_ends_at)
    revealed = proj.status in (Project.Status.AWARDED, Project.Status.CLOSED,
                               Project.Status.FAILED)
    ladder = []
    for b in bids:
        row = {"seq": b.seq, "label": b.signup.label, "value": svc.money(b.value),
               "placed_at": svc.iso(b.placed_at)}
        if revealed:
            row["agency"] = b.signup.agency.name
        ladder.append(row)
    best = bids[-1] if bids else None
    lower = svc.lower_wins(proj)
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
        "unit": "%" if not lower else "元",
        "ceiling": svc.money(proj.ceiling),
        "floor": svc.money(proj.floor),
        "step": svc.money(proj.step),
        "start_value": svc.money(proj.ceiling if lower else proj.floor),
        "base_amount": svc.money(proj.amount),
        "server_time": svc.iso(now),
        "starts_at": svc.iso(proj.selection_at),
        "ends_at": svc.iso(proj.auction_ends_at),
        "open": open_now,
        "closed": revealed,
        "seq": proj.last_seq,
        "best": svc.money(best.value) if best else None,
        "best_label": best.signup.label if best else None,
        "bidders": proj.signups.filter(status="active").count(),
        "ladder": ladder,
        "viewer": _viewer(proj, user, bids, open_now),
        "result": None,
    }
    if revealed:
        award = proj.awards.select_related("agency").order_by("rank", "decided_at").first()
        snapshot["result"] = {
            "status": proj.status,
            "reason": proj.status_reason,
            "winner": None if award is None else {
                "agency": award.agency.name, "label": award.signup.label,
                "quote": svc.money(award.quote), "price": svc.money(award.price)},
            "award": None if award is None else {
                "id": award.pk, "code": award.code, "price": svc.money(award.price),
                "url": f"/awards/{award.pk}/"},
        }
    return snapshot
