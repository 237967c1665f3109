"""The notices of ratings: who is told what when a rating window opens or is about to close, a
rating is given, replied to, appealed, decided or voided (docs/architecture.md,
"Notifications"; kinds in ``ratings/kinds.py``).

Each ``…_notify`` is called by the service that made the change (or, for the window opening,
by the receiver of ``bidding.signals.delivery_decided``, ``ratings/receivers.py``), inside its
transaction, with the event's idempotency key (``<kind>:<pk>``). The purchaser and the agency
are told through their organisations (every member); an appeal goes to the regulators whose
jurisdiction covers the rated agency, the ones who may decide it
(``ratings/permissions.py``: ``core.regions.region_covers``).

``rating_reminders`` is the service of the periodic step ``ratings_reminders``
(marketplace/periodic.py): each side that has not rated yet is told once when its window
closes within one working day.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bidding.models import Award
from core.jurisdiction import regulators_covering
from notifications.models import Notification
from notifications.outbox import notify
from ratings.models import PurchaserRating, Rating, RatingAppeal
from ratings.selectors.reminders import windows_closing
from ratings.selectors.todos import rating_window_end


def _when(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _award_data(award: Award, **extra) -> dict:
    return {"project": award.project.title, "agency": award.agency.name,
            "purchaser": award.project.purchaser.name, "award": award.code, **extra}


def _rating_url(award_id: int) -> str:
    return reverse("ratings:award", args=[award_id])


def _purchaser_rating_url(award_id: int) -> str:
    return reverse("ratings:purchaser-rating", args=[award_id])


def rating_window_open_notify(award: Award, *, accepted_at: dt.datetime) -> None:
    """The purchaser accepted the result: it may rate the agency, and the agency it, until the
    window closes."""
    award = Award.objects.select_related("project__purchaser", "agency__organisation").get(
        pk=award.pk)
    data = _award_data(award, deadline=_when(rating_window_end(accepted_at)))
    notify("rating.window_open", to=[award.project.purchaser], obj=award,
           url=_rating_url(award.pk), data=data, key=f"rating.window_open:{award.pk}")
    notify("purchaser_rating.window_open", to=[award.agency.organisation], obj=award,
           url=_purchaser_rating_url(award.pk), data=data,
           key=f"purchaser_rating.window_open:{award.pk}")


def rating_submitted_notify(rating: Rating) -> None:
    award = rating.award
    notify("rating.submitted", to=[rating.agency.organisation], obj=rating,
           url=_rating_url(award.pk), data=_award_data(award, average=str(rating.average)),
           key=f"rating.submitted:{rating.pk}")


def purchaser_rating_submitted_notify(rating: PurchaserRating) -> None:
    award = rating.award
    notify("purchaser_rating.submitted", to=[rating.purchaser], obj=rating,
           url=_purchaser_rating_url(award.pk),
           data=_award_data(award, average=str(rating.average)),
           key=f"purchaser_rating.submitted:{rating.pk}")


def rating_replied_notify(rating) -> None:
    """The rated side replied: the side that rated (a ``Rating``: the purchaser; a
    ``PurchaserRating``: the agency)."""
    award = Award.objects.select_related("project__purchaser", "agency__organisation").get(
        pk=rating.award_id)
    if isinstance(rating, PurchaserRating):
        kind, to, url = ("purchaser_rating.replied", award.agency.organisation,
                         _purchaser_rating_url(award.pk))
    else:
        kind, to, url = "rating.replied", award.project.purchaser, _rating_url(award.pk)
    notify(kind, to=[to], obj=rating, url=url, data=_award_data(award),
           key=f"{kind}:{rating.pk}")


def rating_appealed_notify(appeal: RatingAppeal) -> None:
    """The agency appealed: the purchaser that rated, and the regulators who may decide."""
    rating = appeal.rating
    award = Award.objects.select_related("project__purchaser", "agency__region").get(
        pk=rating.award_id)
    data = _award_data(award)
    key = f"rating.appealed:{appeal.pk}"
    notify("rating.appealed", to=[award.project.purchaser], obj=appeal,
           url=_rating_url(award.pk), data=data, key=key)
    notify("rating.appealed", to=regulators_covering(award.agency.region), obj=appeal,
           url=reverse("ratings:appeals"), data=data, key=key)


def rating_decided_notify(rating: Rating, *, kind: str, text: str,
                          appeal: RatingAppeal | None = None) -> None:
    """An appeal decided (``rating.appeal_upheld`` / ``rating.appeal_rejected``) or the rating
    voided by a regulator (``rating.voided``): the purchaser and the agency."""
    award = Award.objects.select_related("project__purchaser", "agency__organisation").get(
        pk=rating.award_id)
    notify(kind, to=[award.project.purchaser, award.agency.organisation],
           obj=appeal or rating, url=_rating_url(award.pk),
           data=_award_data(award, decision=text, reason=text),
           key=f"{kind}:{(appeal or rating).pk}")


def rating_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind each side that has not rated yet when its rating window closes within one
    working day; once per award and side (the notification key). Returns how many reminders
    were sent now."""
    now = now or timezone.now()
    due = windows_closing(now)
    keys = [f"{kind}:{award.pk}" for award, _deadline, kinds in due for kind in kinds]
    told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    sent = 0
    for award, deadline, kinds in due:
        data = _award_data(award, deadline=_when(deadline))
        for kind in kinds:
            key = f"{kind}:{award.pk}"
            if key in told:
                continue
            if kind == "rating.window_closing":
                to, url = award.project.purchaser, _rating_url(award.pk)
            else:
                to, url = award.agency.organisation, _purchaser_rating_url(award.pk)
            with transaction.atomic():
                sent += bool(notify(kind, to=[to], obj=award, url=url, data=data, key=key))
    return sent
