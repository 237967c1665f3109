"""The expert's pages (/expert/panels/…): the panels it sits on and the scoring form of one.
An expert sees only its own panels (``selectors.panels.seat_for`` answers 404 otherwise) and the
anonymised offers; it saves drafts and submits through ``services.panels.panel_scores_save``,
whose refusals are shown on the field."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bidding.models import PanelSeat
from bidding.selectors import panels as sel
from bidding.services import panels
from core.errors import MarketplaceError, NotFound
from core.roles import kind_of


def _expert_only(request):
    if kind_of(request.user) != "expert":
        return render(request, "supervision/regulator_forbidden.html", {
            "message": _("Only evaluation experts have panels.")}, status=403)
    return None


@login_required
def expert_panels(request):
    if (refused := _expert_only(request)) is not None:
        return refused
    return render(request, "bidding/expert_panels.html",
                  {"seats": list(sel.seats_of_expert(request.user))})


@login_required
def expert_panel(request, pk):
    if (refused := _expert_only(request)) is not None:
        return refused
    try:
        seat = sel.seat_for(request.user, pk)
    except NotFound:
        raise Http404 from None
    errors, typed = {}, {}
    if request.method == "POST" and seat.status == PanelSeat.Status.SEATED:
        ids = [b["signup"] for b in seat.panel.draw.get("bidders", [])]
        typed = {pk_: request.POST.get(f"score_{pk_}", "") for pk_ in ids}
        submit = "submit" in request.POST
        try:
            panels.panel_scores_save(actor=request.user, panel=seat.panel, scores=typed,
                                     submit=submit)
        except MarketplaceError as exc:
            errors = exc.fields if getattr(exc, "fields", None) else {"": [str(exc)]}
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your scores are submitted and locked.") if submit
                             else _("Your draft is saved; you may change it until you submit."))
            return redirect("bidding:expert-panel", pk)
    offers = sel.anonymised_offers(seat)
    for row in offers:
        key = row["signup"]
        row["typed"] = typed.get(key, "" if row["score"] is None else row["score"])
        row["error"] = "; ".join(errors.get(f"score_{key}", []))
    return render(request, "bidding/expert_panel.html", {
        "seat": seat, "panel": seat.panel, "project": seat.panel.project, "offers": offers,
        "form_error": "; ".join(errors.get("scores", []) + errors.get("", [])),
        "editable": seat.status == PanelSeat.Status.SEATED
        and seat.panel.status == seat.panel.Status.SCORING})
