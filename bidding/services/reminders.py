"""Reminders before a deadline passes (``manage.py bidding_reminders``, every 300 s from
``marketplace/periodic.py``; docs/architecture.md, "Notifications" and "Periodic work").

``reminders_send`` reads what is due and calls ``notifications.outbox.notify``; it changes no
state of its own, so it takes no lock: the outbox's idempotency keys make a second run, or two
at once, tell nobody twice. Every key holds the deadline it reminds of, so a changed deadline
reminds again.

- ``signup.closing``: sign-up closes within one working day (``core.workdays``) — the agencies
  signed up, those following the posting (关注, ``bidding/services/follows.py``) and the
  subscribers it matches (``agencies.selectors.subscriptions``);
- ``auction.starting``: live bidding opens within ``AUCTION_NOTICE_MINUTES`` (or has opened and
  not ended) — the purchaser and the labelled bidders;
- ``contract.deadline_near``: a contract to sign within one working day — the purchaser and
  the winner;
- ``delivery.overdue`` (超时预警): a service past its time limit with no result submitted — the
  purchaser, the agency and the regulators whose jurisdiction covers the project.
"""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from agencies.selectors.subscriptions import subscribers_for
from bidding.models import Award, Contract, Project, ProjectFollow, SignUp
from bidding.selectors.parties import bidder_organisations, regulators_over
from bidding.services.notices import award_url, when
from core.workdays import add_working_days
from notifications.outbox import notify

AUCTION_NOTICE_MINUTES = 10  # beats of 300 s: one run falls inside the window


def reminders_send(*, now=None) -> dict:
    """Send every reminder due at ``now``; returns how many people each kind newly reached."""
    now = now or timezone.now()
    return {"signup.closing": _signups_closing(now), "auction.starting": _auctions_starting(now),
            "contract.deadline_near": _contracts_due(now),
            "delivery.overdue": _deliveries_overdue(now)}


def _signups_closing(now) -> int:
    horizon = add_working_days(now, 1)
    told = 0
    projects = (Project.objects.filter(status=Project.Status.PUBLISHED, signup_deadline__gt=now,
                                       signup_deadline__lte=horizon)
                .select_related("purchaser", "item", "region").order_by("pk"))
    for project in projects:
        subscribed = [a.organisation for a in subscribers_for(project)
                      .select_related("organisation")]
        following = [f.agency.organisation for f in ProjectFollow.objects.filter(project=project)
                     .select_related("agency__organisation").order_by("pk")]
        told += notify("signup.closing",
                       to=bidder_organisations(project) + following + subscribed,
                       obj=project, url=project.get_absolute_url(),
                       data={"project": project.title, "deadline": when(project.signup_deadline)},
                       key=f"signup.closing:{project.pk}:{project.signup_deadline.isoformat()}")
    return told


def _auctions_starting(now) -> int:
    told = 0
    projects = (Project.objects.filter(method=Project.Method.LIVE_BIDDING,
                                       status=Project.Status.SELECTING,
                                       selection_at__lte=now + dt.timedelta(
                                           minutes=AUCTION_NOTICE_MINUTES),
                                       auction_ends_at__gt=now)
                .select_related("purchaser").order_by("pk"))
    for project in projects:
        bidders = [s.agency.organisation for s in SignUp.objects.filter(
            project=project, status=SignUp.Status.ACTIVE).exclude(label="")
            .select_related("agency__organisation").order_by("label")]
        told += notify("auction.starting", to=[project.purchaser, *bidders], obj=project,
                       url=reverse("bidding:auction", args=[project.pk]),
                       data={"project": project.title, "start": when(project.selection_at),
                             "end": when(project.auction_ends_at)},
                       key=f"auction.starting:{project.pk}:{project.selection_at.isoformat()}")
    return told


def _contracts_due(now) -> int:
    horizon = add_working_days(now, 1)
    told = 0
    awards = (Award.objects.filter(status=Award.Status.CONTRACTING, contract_deadline__gt=now,
                                   contract_deadline__lte=horizon)
              .select_related("project__purchaser", "agency__organisation").order_by("pk"))
    for award in awards:
        told += notify("contract.deadline_near",
                       to=[award.project.purchaser, award.agency.organisation], obj=award,
                       url=award_url(award),
                       data={"project": award.project.title,
                             "deadline": when(award.contract_deadline)},
                       key=f"contract.deadline_near:{award.pk}:"
                           f"{award.contract_deadline.isoformat()}")
    return told


def _deliveries_overdue(now) -> int:
    told = 0
    confirmed = dict(Contract.objects.filter(award__status=Award.Status.IN_SERVICE,
                                             confirmed_at__isnull=False)
                     .values_list("award_id", "confirmed_at"))
    awards = (Award.objects.filter(pk__in=list(confirmed))
              .select_related("project__purchaser", "project__region",
                              "project__purchaser__region", "agency__organisation")
              .order_by("pk"))
    for award in awards:
        # The service time limit, as bidding.selectors.awards.service_due counts it.
        due = add_working_days(confirmed[award.pk], award.project.service_days)
        if due >= now:
            continue
        told += notify("delivery.overdue",
                       to=[award.project.purchaser, award.agency.organisation,
                           *regulators_over(award.project)],
                       obj=award, url=award_url(award),
                       data={"project": award.project.title, "agency": award.agency.name,
                             "due": when(due)},
                       key=f"delivery.overdue:{award.pk}:{due.isoformat()}")
    return told
