"""The "我的" page (``/my/``): the signed-in agency's or purchaser's own work in one place, each row
with its state and a button to its next step (``marketplace/selectors/mine.py``)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.roles import organisation_of
from marketplace.selectors import mine as selectors


@login_required
def mine(request):
    org = organisation_of(request.user)
    agency = getattr(org, "agency", None) if org is not None else None
    if agency is not None:
        sections = selectors.agency_work(agency)
        titles = {"auctions": _("Live auctions"), "signups": _("My sign-ups"),
                  "awards": _("My awards and contracts"), "deliveries": _("My deliveries"),
                  "ratings": _("Ratings received"), "sanctions": _("Sanctions")}
        blocks = [(key, titles[key], sections[key]) for key in
                  ("auctions", "signups", "awards", "deliveries", "ratings", "sanctions")]
        return render(request, "marketplace/mine.html", {
            "heading": _("My agency's work"), "organisation": org, "blocks": blocks,
            "agency": agency})
    if org is not None and org.kind == org.Kind.PURCHASER:
        from bidding.models import Project

        labels = dict(Project.Status.choices)
        groups = selectors.purchaser_work(org)
        blocks = [(status, labels[status], rows) for status, rows in groups.items()]
        return render(request, "marketplace/mine.html", {
            "heading": _("My projects"), "organisation": org, "blocks": blocks,
            "purchaser": True})
    return redirect("account")  # the other roles' work is their desk (account page)
