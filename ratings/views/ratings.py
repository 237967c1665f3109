"""Rating pages: the rating of an award (and the purchaser's rate form), the agency's reply and
appeal forms, all ratings of an agency, and the regulator's appeal queue."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding.models import Award
from core.access import csv_response, regulator_required, wants_csv
from core.errors import MarketplaceError
from core.permissions import has_perm
from core.roles import organisation_of
from ratings.forms import AppealForm, DecisionForm, RatingForm, ReplyForm, VoidForm
from ratings.models import Rating
from ratings.selectors.ratings import appeal_queue, appeals_all, rating_list_for_agency
from ratings.services import ratings as services


def _form_error(form, exc: MarketplaceError) -> None:
    for field, msgs in exc.fields.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)
    if not exc.fields or not set(exc.fields) & set(form.fields):
        form.add_error(None, str(exc))


def award_rating(request, award_id: int):
    """Public: the rating of an award. The award's purchaser rates here once the result is
    accepted and the window is open."""
    award = get_object_or_404(Award.objects.select_related("project__purchaser", "agency"),
                              pk=award_id)
    rating = (Rating.objects.select_related("reply", "appeal", "purchaser")
              .filter(award=award).first())
    is_purchaser = has_perm(request.user, "ratings.rate_award", award)
    deadline = services.rating_deadline(award) if award.status == Award.Status.ACCEPTED else None
    can_rate = (is_purchaser and rating is None and deadline is not None
                and timezone.now() <= deadline)
    form = None
    if can_rate:
        form = RatingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.rating_submit(actor=request.user, award=award, **form.cleaned_data)
            except MarketplaceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Thank you. Your rating is published."))
                return redirect("ratings:award", award_id=award.pk)
    elif request.method == "POST":
        messages.error(request, _("This award cannot be rated by you now."))
        return redirect("ratings:award", award_id=award.pk)
    return render(request, "ratings/award_rating.html", {
        "award": award, "rating": rating, "form": form, "deadline": deadline,
        "is_purchaser": is_purchaser,
    })


def agency_ratings(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id)
    if wants_csv(request):
        rows = ((r.created.date(), r.award.project.title, r.purchaser.name, r.quality,
                 r.timeliness, r.attitude, r.fees, r.conduct, r.average, r.get_status_display(),
                 r.voided_reason, r.comment) for r in rating_list_for_agency(agency=agency))
        return csv_response(f"ratings-agency-{agency.pk}", [
            _("Date"), _("Project"), _("Purchaser"), _("Quality"), _("Timeliness"),
            _("Attitude"), _("Fees"), _("Conduct"), _("Average"), _("Status"),
            _("Reason voided"), _("Comment")], rows)
    return render(request, "ratings/agency_ratings.html", {"agency": agency})


def _rating_for_agency_form(request, rating_id):
    return get_object_or_404(
        Rating.objects.select_related("agency", "award__project", "purchaser"), pk=rating_id)


def _rating_action(request, rating_id: int, *, form_class, act, done: str, title: str,
                   submit: str, danger: bool = False):
    """A form page for one action on one rating (reply, appeal, void): ``act(rating, data)``
    calls the service, whose refusal is shown on the form."""
    rating = _rating_for_agency_form(request, rating_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(rating, form.cleaned_data)
        except MarketplaceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("ratings:award", award_id=rating.award_id)
    return render(request, "ratings/rating_form.html", {
        "rating": rating, "form": form, "title": title, "submit": submit, "danger": danger})


@login_required
def rating_reply_view(request, rating_id: int):
    return _rating_action(
        request, rating_id, form_class=ReplyForm,
        act=lambda rating, data: services.rating_reply(actor=request.user, rating=rating,
                                                       text=data["text"]),
        done=_("Your reply is published."), title=_("Reply to a rating"),
        submit=_("Publish reply"))


@login_required
def rating_appeal_view(request, rating_id: int):
    return _rating_action(
        request, rating_id, form_class=AppealForm,
        act=lambda rating, data: services.rating_appeal(actor=request.user, rating=rating,
                                                        reason=data["reason"]),
        done=_("Your appeal is filed; a regulator will decide it."),
        title=_("Appeal a rating"), submit=_("File appeal"))


@regulator_required
def rating_void_view(request, rating_id: int):
    return _rating_action(
        request, rating_id, form_class=VoidForm,
        act=lambda rating, data: services.rating_void(actor=request.user, rating=rating,
                                                      reason=data["reason"]),
        done=_("The rating is voided; the reason is public."), title=_("Void a rating"),
        submit=_("Void rating"), danger=True)


@regulator_required
def appeal_queue_view(request):
    show_all = request.GET.get("all") == "1"
    org = organisation_of(request.user)
    area = org.region if org is not None else None  # a regulator's jurisdiction (None: all)
    appeals = appeals_all(area) if show_all else appeal_queue(area)
    if wants_csv(request):
        rows = ((a.created.date(), a.rating.agency.name, a.rating.purchaser.name,
                 a.rating.award.project.title, a.rating.average, a.reason,
                 a.get_status_display(), a.decision) for a in appeals)
        return csv_response("rating-appeals", [
            _("Filed"), _("Agency"), _("Purchaser"), _("Project"), _("Average"),
            _("Grounds"), _("Status"), _("Decision")], rows)
    return render(request, "ratings/appeal_queue.html", {
        "appeals": appeals, "show_all": show_all, "decision_form": DecisionForm()})


@regulator_required
def appeal_decide_view(request, appeal_id: int):
    if request.method != "POST":
        return redirect("ratings:appeals")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give its public reasons."))
        return redirect("ratings:appeals")
    try:
        services.rating_appeal_decide(actor=request.user, appeal=appeal_id,
                                      uphold=form.cleaned_data["uphold"],
                                      decision=form.cleaned_data["decision"])
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The appeal is decided."))
    return redirect("ratings:appeals")
