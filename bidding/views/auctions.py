"""The live auction page ``/projects/<pk>/auction/``: the snapshot rendered on the server
(readable without JavaScript), kept live by ``static/js/auction.js`` over the WebSocket. A plain
POST of the bid form is the no-JavaScript fallback; it calls the same ``bid_place``.

A bid cannot be withdrawn, so it is confirmed first: the script asks in a ``<dialog>`` before it
sends; without the script the first POST answers with a confirmation step (the same page, the
value and a "Confirm bid" button) and only a POST carrying ``confirmed`` places the bid.

Times are shown with their date, in the platform's time zone (a bidding window may run past
midnight). The ladder's first column is the rank of each bid in the price order (1 = the best
so far), the bid number beside it."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bidding.models import Project
from bidding.services.auctions import auction_state, bid_place
from core.errors import MarketplaceError, NotFound
from core.money import parse_money

DATETIME_SHOWN = "%Y-%m-%d %H:%M:%S"


def moment(iso_text: str | None) -> str:
    """``"2026-12-01T16:23:36+00:00"`` → ``"2026-12-02 00:23:36"`` (local time, with its date);
    the same form ``static/js/auction.js`` writes."""
    when = parse_datetime(iso_text) if iso_text else None
    return timezone.localtime(when).strftime(DATETIME_SHOWN) if when else ""


def standing(snap: dict) -> str:
    """Where the viewing bidder stands, said again on every reload: holding the best bid, or
    outbid (with its rank); empty before its first bid and for everyone else."""
    viewer = snap.get("viewer") or {}
    if viewer.get("role") != "bidder" or snap.get("closed") or not viewer.get("rank"):
        return ""
    if snap.get("best_label") == viewer.get("label"):
        return _("You hold the best bid.")
    return _("You have been outbid: your best bid now ranks %(rank)s. Bid again to take the "
             "lead.") % {"rank": viewer["rank"]}


def auction(request, pk: int):
    if request.method == "POST" and not request.POST.get("confirmed"):
        return _confirm_step(request, pk)
    if request.method == "POST":
        try:
            bid = bid_place(actor=request.user, project=Project(pk=pk),
                            value=request.POST.get("value", ""))
        except NotFound:
            raise Http404 from None
        except MarketplaceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Bid no. %(seq)s accepted.") % {"seq": bid.seq})
        return redirect("bidding:auction", pk=pk)
    try:
        snapshot = auction_state(project_id=pk, user=request.user)
    except NotFound:
        raise Http404 from None
    project = (Project.objects.select_related("item", "purchaser", "region",
                                              "approval_department")
               .prefetch_related("documents", "qualifications").get(pk=pk))
    return render(request, "bidding/auction.html", {
        "project": project, "snap": snapshot, "ladder": _ladder_rows(snapshot["ladder"]),
        "ends_at": moment(snapshot["ends_at"]), "standing": standing(snapshot),
        "documents": project.documents.all(), "qualifications": project.qualifications.all(),
        "i18n": js_strings(),
    })


def _ladder_rows(ladder: list[dict]) -> list[dict]:
    """Best first, each with its rank and its time shown with the date (new dicts: the
    snapshot's rows are shared, see ``bidding.selectors.auctions.anonymous_ladder``)."""
    return [{**row, "rank": rank, "placed_at_shown": moment(row["placed_at"])}
            for rank, row in enumerate(reversed(ladder), start=1)]


def _confirm_step(request, pk: int):
    """The no-JavaScript confirmation: the bid typed, read back, and a button that places it.
    A value that is no number goes straight to ``bid_place``'s refusal (nothing to confirm)."""
    value = request.POST.get("value", "")
    try:
        amount = parse_money(value, field="value")
        snapshot = auction_state(project_id=pk, user=request.user)
    except NotFound:
        raise Http404 from None
    except MarketplaceError as exc:
        messages.error(request, str(exc))
        return redirect("bidding:auction", pk=pk)
    if not snapshot["viewer"]["can_bid"]:
        messages.error(request, snapshot["viewer"]["reason"] or _("Bidding is not open."))
        return redirect("bidding:auction", pk=pk)
    project = Project.objects.select_related("item").get(pk=pk)
    return render(request, "bidding/auction_confirm.html", {
        "project": project, "snap": snapshot, "value": format(amount, "f")})


def js_strings() -> dict:
    """Translated strings for static/js/auction.js ({placeholders} filled in by the script)."""
    return {
        "bidder": _("Bidder %(label)s") % {"label": "{label}"},
        "noBids": _("No bids yet."),
        "connected": _("Live"),
        "connecting": _("Connecting…"),
        "offline": _("Connection lost; reconnecting…"),
        "accepted": _("Your bid no. %(seq)s was accepted.") % {"seq": "{seq}"},
        "ended": _("Bidding has ended"),
        "notStarted": _("Starts in"),
        "timeLeft": _("Time left"),
        "extended": _("A late bid extended the end."),
        "rank": _("Your rank: %(rank)s") % {"rank": "{rank}"},
        "hintLower": _("Bid %(limit)s or lower (one step below the best).") % {"limit": "{limit}"},
        "hintHigher": _("Bid %(limit)s or higher (one step above the best).")
        % {"limit": "{limit}"},
        "hintFirstLower": _("The first bid may be at most the ceiling, %(limit)s.")
        % {"limit": "{limit}"},
        "hintFirstHigher": _("The first bid must be at least the floor, %(limit)s.")
        % {"limit": "{limit}"},
        "leading": _("You hold the best bid; wait for a rival to bid."),
        "winner": _("Winner: %(name)s (Bidder %(label)s), award price %(price)s yuan.")
        % {"name": "{name}", "label": "{label}", "price": "{price}"},
        "failed": _("No bids were placed; the selection failed (流标)."),
        "awardLink": _("View the award notice"),
        "code": _("Verification code"),
        "noBidsChart": _("The chart fills in as bids arrive."),
        "sending": _("Sending…"),
        "closed": _("Bidding has ended"),
        "outbid": _("You have been outbid: your best bid now ranks %(rank)s. Bid again to take "
                    "the lead.") % {"rank": "{rank}"},
        "holding": _("You hold the best bid."),
        "confirmLower": _("Place a bid of %(value)s yuan?") % {"value": "{value}"},
        "confirmHigher": _("Place a bid at a discount rate of %(value)s %%?")
        % {"value": "{value}"},
    }
