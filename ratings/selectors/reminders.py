"""Reads for the rating reminders (``ratings/services/notices.py::rating_reminders``): the
accepted awards whose rating window closes soon, with the sides that have not rated yet."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery

from bidding.models import Award, Delivery
from core.workdays import add_working_days
from ratings.models import PurchaserRating, Rating
from ratings.selectors.todos import rating_window_end


def windows_closing(now: dt.datetime) -> list[tuple[Award, dt.datetime, list[str]]]:
    """``(award, deadline, kinds)`` for each accepted award whose rating window is still open at
    ``now`` and closes within one working day; ``kinds`` names the reminders due:
    ``rating.window_closing`` while the purchaser has not rated the agency,
    ``purchaser_rating.window_closing`` while the agency has not rated the purchaser. One
    query: the window's start is annotated as ``ratings/services/ratings.py::rating_accepted_at``
    reads it; acceptances older than any window could reach are not read."""
    soon = add_working_days(now, 1)
    days = settings.MARKETPLACE["RATING_WORKING_DAYS"]
    oldest = now - dt.timedelta(days=2 * days + 14)  # N working days never span more
    accepted = (Delivery.objects.filter(award=OuterRef("pk"), status=Delivery.Status.ACCEPTED)
                .order_by("-modified").values("modified")[:1])
    rated = Exists(Rating.objects.filter(award=OuterRef("pk")))
    rated_back = Exists(PurchaserRating.objects.filter(award=OuterRef("pk")))
    awards = (Award.objects.filter(status=Award.Status.ACCEPTED)
              .annotate(accepted_at=Subquery(accepted), rated=rated, rated_back=rated_back)
              .filter(Q(accepted_at__gte=oldest)
                      | Q(accepted_at__isnull=True, modified__gte=oldest))
              .filter(Q(rated=False) | Q(rated_back=False))
              .select_related("project__purchaser", "agency__organisation")
              .order_by("pk"))
    due = []
    for award in awards:
        deadline = rating_window_end(award.accepted_at or award.modified)
        if not now < deadline <= soon:
            continue
        kinds = [kind for kind, done in (("rating.window_closing", award.rated),
                                         ("purchaser_rating.window_closing", award.rated_back))
                 if not done]
        due.append((award, deadline, kinds))
    return due
