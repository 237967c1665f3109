"""What awaits a regulator, for the account page (``core/todos.py``), registered by
``SupervisionConfig.ready``: one line per queue of its jurisdiction
(``supervision/selectors/workspace.py::jurisdiction_of``) with the number waiting and the soonest
deadline where the rules set one (complaints: acceptance, then decision; expert panels: the
scoring deadline). A fixed number of aggregate queries, however long the queues."""
from __future__ import annotations

from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, When
from django.urls import reverse
from django.utils.translation import gettext as _

from bidding.models import Panel, PanelSeat
from bidding.selectors.reviews import review_queue
from core.todos import Todo
from ratings.models import RatingAppeal
from supervision.models import Complaint
from supervision.selectors.complaints import open_complaints
from supervision.selectors.workspace import (
    agency_q,
    jurisdiction_of,
    objection_queue,
    project_q,
    sanctions_to_confirm,
    tied_agencies,
)


def _line(kind, title, url, count, deadline=None) -> list[Todo]:
    if not count:
        return []
    return [Todo(kind=kind, title=title, subject="", url=url, deadline=deadline, count=count)]


def regulator_todos(user, org, now) -> list[Todo]:
    area = jurisdiction_of(user)
    items = []
    items += _line("objection.decide", _("Objections to decide"),
                   reverse("supervision:regulator-objections"),
                   objection_queue(jurisdiction=area).count())
    appeals = RatingAppeal.objects.filter(agency_q(area, "rating__agency__"),
                                          status=RatingAppeal.Status.PENDING).count()
    items += _line("rating_appeal.decide", _("Rating appeals to decide"),
                   reverse("ratings:appeals"), appeals)
    items += _line("sanction.confirm", _("Proposed sanctions to confirm or reject"),
                   reverse("supervision:regulator-sanctions"),
                   sanctions_to_confirm(jurisdiction=area).count())
    complaints = open_complaints(user)
    due = Case(When(status=Complaint.Status.RECEIVED, then=F("accept_by")),
               default=F("decide_by"))
    agg = complaints.annotate(due=due).aggregate(n=Count("pk"), soonest=Min("due"))
    items += _line("complaint.handle", _("Complaints to accept or decide"),
                   reverse("supervision:regulator-complaints"), agg["n"], agg["soonest"])
    items += _line("posting_review.decide", _("Postings sent for review under a law's article"),
                   reverse("supervision:regulator-posting-reviews"),
                   review_queue(jurisdiction=area).count())
    items += _line("tie.review", _("Declared ties never reviewed"),
                   reverse("supervision:regulator-ties"),
                   tied_agencies(jurisdiction=area).filter(reviewed_at__isnull=True).count())
    seated = PanelSeat.objects.filter(panel=OuterRef("pk"), status=PanelSeat.Status.SEATED)
    panels = (Panel.objects.filter(project_q(area, "project__"))
              .annotate(_seated=Exists(seated))
              .filter(Q(status=Panel.Status.SHORT)
                      | Q(status=Panel.Status.SCORING, deadline__lte=now, _seated=True))
              .aggregate(n=Count("pk"), soonest=Min("deadline")))
    items += _line("panel.attend", _("Expert panels short of experts or past their deadline"),
                   reverse("supervision:regulator-panels"), panels["n"], panels["soonest"])
    return items
