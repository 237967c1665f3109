"""The demo's calendar (issue 12): the bidding demo runs every step through the services at load
time and moves the clock only where a step needs it (``bidding.demo.steps``: sign-up closed,
auction ended, objection period over). This pass then gives each project a history a reader
can follow, in the order the rules require:

- published (and its sign-ups made) at least the minimum number of working days before its
  sign-up deadline, the deadline before the selection, bids inside the bidding window;
- awarded after the sign-up deadline; the contract after the objection period, deliveries after
  the confirmed contract, ratings after the accepted result (all these keep their load time);
- a directly selected project has no sign-up at all (no deadline, no selection time).

Only dates no audit event records change: the decision, contract and delivery times are in the
hash-chained trail (``bidding/actions.py``, ``audit_verify`` compares them), so an award that
went on to its contract keeps the objection period ``bidding.demo.steps`` ended at its decision.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bidding.models import (
    Award,
    DrawCommitment,
    DrawContribution,
    Project,
    SignUp,
)
from bidding.rules import signup_min_working_days
from core.workdays import add_working_days

Method, Status = Project.Method, Project.Status


def _working_days_before(moment: dt.datetime, n: int) -> dt.datetime:
    """The latest time, on a day at least ``n`` working days before ``moment``, from which ``n``
    working days forward do not pass ``moment`` (09:00 local)."""
    day = timezone.localtime(moment).replace(hour=9, minute=0, second=0, microsecond=0)
    while add_working_days(day, n) > moment:
        day -= dt.timedelta(days=1)
    return day


def _published_in_time(project: Project) -> None:
    """Published, and signed up for, before the sign-up deadline (at least the minimum number of
    working days before it); created an hour before publication."""
    project.refresh_from_db()
    if project.method == Method.DIRECT:
        first = (Award.objects.filter(project=project).order_by("decided_at")
                 .values_list("decided_at", flat=True).first())
        published = (first - dt.timedelta(hours=2)) if first else project.published_at
        Project.objects.filter(pk=project.pk).update(
            signup_deadline=None, selection_at=None, published_at=published,
            created=min(project.created, published - dt.timedelta(hours=1)))
        return
    deadline = project.signup_deadline
    if not deadline or not project.published_at or project.published_at <= deadline:
        return
    published = _working_days_before(deadline, signup_min_working_days() + 1)
    Project.objects.filter(pk=project.pk).update(
        published_at=published, created=published - dt.timedelta(hours=1))
    window = (deadline - published) / 2
    signups = list(SignUp.objects.filter(project=project).order_by("pk"))
    for n, signup in enumerate(signups, start=1):
        SignUp.objects.filter(pk=signup.pk).update(
            created=published + window * n / (len(signups) + 1))
    DrawCommitment.objects.filter(project=project).update(committed_at=published)
    for contribution in DrawContribution.objects.filter(signup__project=project) \
            .select_related("signup"):
        DrawContribution.objects.filter(pk=contribution.pk).update(
            committed_at=SignUp.objects.get(pk=contribution.signup_id).created)


def settle_calendar() -> None:
    for project in Project.objects.exclude(status=Status.DRAFT).order_by("pk"):
        _published_in_time(project)
