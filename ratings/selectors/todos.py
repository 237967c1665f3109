"""What awaits a purchaser or an agency in ratings, for the account page (``core/todos.py``),
registered by ``RatingsConfig.ready``: the purchaser rates the agency and answers the agency's
rating of it; the agency rates the purchaser and answers (replies to or appeals) its rating.

Read-only, one query per kind of item: the rating window's start (the accepted delivery) is
annotated instead of read per award."""
from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from bidding.models import Award, Delivery
from core.permissions import has_perm
from core.todos import Todo
from core.workdays import add_working_days
from ratings.models import PurchaserRating, Rating


def rating_window_end(accepted_at):
    """The end of the rating window opened by an acceptance at ``accepted_at``:
    ``RATING_WORKING_DAYS`` working days later (both sides rate within it)."""
    return add_working_days(accepted_at, settings.MARKETPLACE["RATING_WORKING_DAYS"])


def _accepted_awards(awards, *, rated_by):
    """Accepted awards among ``awards`` not yet rated (``rated_by``: the reverse relation,
    ``"rating"`` or ``"purchaser_rating"``), with ``accepted_at`` annotated as
    ``ratings/services/ratings.py::rating_accepted_at`` reads it."""
    accepted = (Delivery.objects.filter(award=OuterRef("pk"), status=Delivery.Status.ACCEPTED)
                .order_by("-modified").values("modified")[:1])
    return (awards.filter(status=Award.Status.ACCEPTED, **{f"{rated_by}__isnull": True})
            .annotate(accepted_at=Subquery(accepted))
            .select_related("project", "agency"))


def _open_windows(awards, now):
    for award in awards:
        deadline = rating_window_end(award.accepted_at or award.modified)
        if now <= deadline:
            yield award, deadline


def purchaser_todos(user, org, now) -> list[Todo]:
    """Agencies to rate while the window is open; the agencies' ratings of this purchaser it has
    not answered."""
    items = []
    awards = _accepted_awards(Award.objects.filter(project__purchaser=org), rated_by="rating")
    for award, deadline in _open_windows(awards, now):
        items.append(Todo(kind="rating.give", subject=award.project.title,
                          title=_("Rate the agency %(agency)s") % {"agency": award.agency.name},
                          url=reverse("ratings:award", args=[award.pk]), deadline=deadline))
    unanswered = (PurchaserRating.objects.filter(purchaser=org, reply__isnull=True)
                  .select_related("award__project", "agency"))
    for rating in unanswered:
        items.append(Todo(kind="purchaser_rating.reply", subject=rating.award.project.title,
                          title=_("Reply to the agency's rating of you"),
                          url=reverse("ratings:purchaser-rating", args=[rating.award_id])))
    return items


def agency_todos(user, org, now) -> list[Todo]:
    """Purchasers to rate while the window is open; ratings of the agency it has neither
    replied to nor appealed."""
    items = []
    awards = _accepted_awards(Award.objects.filter(agency__organisation=org),
                              rated_by="purchaser_rating")
    for award, deadline in _open_windows(awards, now):
        items.append(Todo(kind="purchaser_rating.give", subject=award.project.title,
                          title=_("Rate the purchaser"),
                          url=reverse("ratings:purchaser-rating", args=[award.pk]),
                          deadline=deadline))
    ratings = (Rating.objects.filter(agency__organisation=org, status=Rating.Status.PUBLISHED,
                                     reply__isnull=True, appeal__isnull=True)
               .select_related("award__project"))
    for rating in ratings:
        items.append(Todo(kind="rating.answer", subject=rating.award.project.title,
                          title=_("Reply to or appeal a rating of your agency"),
                          url=reverse("ratings:award", args=[rating.award_id])))
    return items


def award_rating_links(award, user, now) -> dict:
    """The rating buttons of an award's page (the award page, the accepted delivery): for its
    purchaser "rate the agency" while the window is open, then a link to its rating; for its
    agency the same towards the purchaser; for anyone else a link to a published rating.
    Three queries at most."""
    links = {"rating": None, "purchaser_rating": None, "rate_agency": False,
             "rate_purchaser": False, "deadline": None}
    if award.status != Award.Status.ACCEPTED:
        return links
    links["rating"] = Rating.objects.filter(award=award).only("pk", "award_id").first()
    links["purchaser_rating"] = (PurchaserRating.objects.filter(award=award)
                                 .only("pk", "award_id").first())
    is_purchaser = has_perm(user, "ratings.rate_award", award)
    is_agency = has_perm(user, "ratings.rate_purchaser", award)
    if (is_purchaser and links["rating"] is None) or (is_agency
                                                      and links["purchaser_rating"] is None):
        accepted = (Delivery.objects.filter(award=award, status=Delivery.Status.ACCEPTED)
                    .order_by("-modified").values_list("modified", flat=True).first())
        deadline = rating_window_end(accepted or award.modified)
        if now <= deadline:
            links["deadline"] = deadline
            links["rate_agency"] = is_purchaser and links["rating"] is None
            links["rate_purchaser"] = is_agency and links["purchaser_rating"] is None
    return links
