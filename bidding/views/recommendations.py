""""为我推荐的项目": the signed-in agency's published postings matching its invitation
subscriptions (``bidding/selectors/recommendations.py``)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.selectors.projects import agency_of_user
from bidding.selectors.recommendations import recommended_projects


@login_required
def recommended(request):
    agency = agency_of_user(request.user)
    if agency is None:
        messages.info(request, _("Your account does not belong to an agency."))
        return redirect("bidding:project-list")
    now = timezone.now()
    page = Paginator(recommended_projects(agency, now=now), 20).get_page(request.GET.get("page"))
    return render(request, "bidding/recommended.html", {
        "agency": agency, "page": page, "now": now,
        "has_subscriptions": agency.subscriptions.exists()})
