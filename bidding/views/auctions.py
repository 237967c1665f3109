"""The live auction page ``/projects/<pk>/auction/``: the snapshot rendered on the server
(readable without JavaScript), kept live by ``static/js/auction.js`` over the WebSocket. A plain
POST of the bid form is the no-JavaScript fallback; it calls the same ``bid_place``."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bidding.models import Project
from bidding.services.auctions import auction_state, bid_place
from core.errors import MarketplaceError, NotFound


def auction(request, pk: int):
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
    ladder = list(reversed(snapshot["ladder"]))
    return render(request, "bidding/auction.html", {
        "project": project, "snap": snapshot, "ladder": ladder,
        "documents": project.documents.all(), "qualifications": project.qualifications.all(),
        "i18n": js_strings(),
    })


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
    }
