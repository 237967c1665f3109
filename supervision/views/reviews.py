"""The regulators' queue of posting reviews (/regulator/posting-reviews/, R3, R4): postings
refused for a flagged requirement whose purchaser cites the law and article that require it.
The regulator approves or refuses each with a public reason, through
``bidding/services/reviews.py::posting_review_decide``."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidding.forms import ReviewDecisionForm
from bidding.rules import field_label
from bidding.selectors import reviews as sel
from bidding.services.reviews import posting_review_decide
from core.access import csv_response, regulator_required, wants_csv
from core.errors import MarketplaceError
from supervision.selectors.workspace import jurisdiction_of


def _rows(review) -> list[dict]:
    """The flagged requirements with the label and the reviewed text of their field."""
    return [{"phrase": item.get("phrase", ""), "field": field_label(item.get("field", "")),
             "message": item.get("message", ""),
             "text": review.snapshot.get(item.get("field", ""))} for item in review.flagged]


@regulator_required
def posting_reviews(request):
    area = jurisdiction_of(request.user)
    queue = list(sel.review_queue(jurisdiction=area))
    decided = list(sel.recent_decisions(jurisdiction=area))
    if wants_csv(request):
        return csv_response("posting-reviews", [
            _("Requested"), _("Status"), _("Project"), _("Purchaser"), _("Flagged"),
            _("Law and article relied on"), _("Decided"), _("Public reason")],
            ((r.created.date(), r.get_status_display(), r.project.title,
              r.project.purchaser.name, "；".join(r.phrases), r.legal_basis,
              r.decided_at.date() if r.decided_at else "", r.decision_reason)
             for r in queue + decided))
    return render(request, "supervision/regulator_posting_reviews.html", {
        "section": "posting_reviews", "queue": [(r, _rows(r)) for r in queue],
        "decided": decided, "decision_form": ReviewDecisionForm()})


@require_POST
@regulator_required
def posting_review_decide_view(request, review_id: int):
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give the public reason."))
        return redirect("supervision:regulator-posting-reviews")
    try:
        posting_review_decide(actor=request.user, review=review_id,
                              approve=form.cleaned_data["decision"] == "approve",
                              reason=form.cleaned_data["reason"])
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision recorded; it is shown on the posting."))
    return redirect("supervision:regulator-posting-reviews")
