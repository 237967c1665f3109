"""Pages of two-sided accountability (docs/design.md R9): the agency's rating of the purchaser
for an award (its form, the purchaser's reply) and the public purchaser page."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidding.models import Award
from core.errors import MarketplaceError, NotFound, ValidationFailed
from core.permissions import has_perm
from ratings.forms import PurchaserRatingForm, ReplyForm
from ratings.models import PurchaserRating
from ratings.selectors.purchasers import (
    purchaser_page,
    purchaser_public,
    purchaser_rating_for_award,
)
from ratings.services import purchasers as services
from ratings.services.ratings import rating_deadline
from ratings.views.ratings import _form_error


def award_purchaser_rating(request, award_id: int):
    """Public: the agency's rating of the purchaser for an award; the winning agency rates here
    once the result is accepted and the window is open, the purchaser replies here."""
    award = get_object_or_404(Award.objects.select_related("project__purchaser", "agency"),
                              pk=award_id)
    rating = purchaser_rating_for_award(award=award)
    may_rate = has_perm(request.user, "ratings.rate_purchaser", award)
    deadline = rating_deadline(award) if award.status == Award.Status.ACCEPTED else None
    form = None
    if may_rate and rating is None and deadline is not None and timezone.now() <= deadline:
        form = PurchaserRatingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.purchaser_rating_submit(actor=request.user, award=award,
                                                 **form.cleaned_data)
            except MarketplaceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Thank you. Your rating of the purchaser is "
                                            "published."))
                return redirect("ratings:purchaser-rating", award_id=award.pk)
    elif request.method == "POST":
        messages.error(request, _("This award cannot be rated by you now."))
        return redirect("ratings:purchaser-rating", award_id=award.pk)
    may_reply = (rating is not None and not hasattr(rating, "reply")
                 and has_perm(request.user, "ratings.reply_purchaser_rating", rating))
    return render(request, "ratings/purchaser_rating.html", {
        "award": award, "rating": rating, "form": form, "deadline": deadline,
        "may_rate": may_rate, "reply_form": ReplyForm() if may_reply else None,
    })


@login_required
@require_POST
def purchaser_rating_reply_view(request, rating_id: int):
    rating = get_object_or_404(PurchaserRating, pk=rating_id)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Write your reply."), field="text")
        services.purchaser_rating_reply(actor=request.user, rating=rating,
                                        text=form.cleaned_data["text"])
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your reply is published."))
    return redirect("ratings:purchaser-rating", award_id=rating.award_id)


def purchaser_detail(request, pk: int):
    """Public purchaser page: name, region, projects in public states, credit with its events
    (reasons public, no contact data) and the agencies' ratings."""
    try:
        purchaser = purchaser_public(pk)
    except NotFound:
        raise Http404 from None
    return render(request, "ratings/purchaser_detail.html", {"page": purchaser_page(purchaser)})
