"""The "我的" page (``/my/``): an agency's or a purchaser's own work, each row with its state and
the next step, linked straight to the page where it is taken.

Read-only, a fixed number of queries per role whatever the number of rows (one per section,
with its joins). The next steps mirror the life cycle of docs/design.md §3; the to-dos of the
account page (``core/todos.py``) are the subset with a deadline that falls on this user.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.models import Award, Delivery, Project, SignUp
from credit.models import Sanction
from ratings.models import PurchaserRating, Rating

ROWS = 50  # per section: the newest first; the full lists are one link away

CURRENT_AWARD = (Award.Status.NOTICE, Award.Status.CONTRACTING, Award.Status.IN_SERVICE,
                 Award.Status.DELIVERED, Award.Status.ACCEPTED)


@dataclass
class Row:
    subject: str
    url: str
    state: str
    tone: str = ""            # "", "ok", "warn" or "bad": the badge's colour
    step: str = ""            # the next step, in words ("" when nothing is left to do)
    step_url: str = ""
    when: object = None       # the date that matters for the step (a deadline, a date)
    detail: str = ""


def _award_url(award) -> str:
    return reverse("bidding:award-detail", args=[award.pk])


def _contract_step(award, organisation_id: int, now) -> tuple[str, str, object] | None:
    """The step of either party while the award is in its contract phase (``None`` outside it):
    one side uploads the signed contract, the other confirms it (docs/design.md §3)."""
    url = _award_url(award)
    if award.status == Award.Status.NOTICE and award.objection_until > now:
        return _("Objection period; the contract follows"), url, award.objection_until
    if award.status not in (Award.Status.NOTICE, Award.Status.CONTRACTING):
        return None
    contract = getattr(award, "contract", None)
    if contract is None:
        return _("Upload the signed contract"), url + "#contract", award.contract_deadline
    if contract.uploaded_by_id == organisation_id:
        return _("Awaiting the other side's confirmation"), url, award.contract_deadline
    return _("Confirm the contract"), url + "#contract", award.contract_deadline


def _award_step_for_agency(award, rated_purchaser: bool, now) -> tuple[str, str, object]:
    url = _award_url(award)
    contract_step = _contract_step(award, award.agency.organisation_id, now)
    if contract_step is not None:
        return contract_step
    if award.status == Award.Status.IN_SERVICE:
        return _("Deliver the result"), url + "#delivery", None
    if award.status == Award.Status.DELIVERED:
        return _("Awaiting the purchaser's acceptance"), url, None
    if award.status == Award.Status.ACCEPTED and not rated_purchaser:
        return (_("Rate the purchaser"),
                reverse("ratings:purchaser-rating", args=[award.pk]), None)
    return "", "", None


def _tone(status: str) -> str:
    return {"accepted": "ok", "in_service": "ok", "awarded": "ok", "contracting": "warn",
            "notice": "warn", "delivered": "warn", "superseded": "bad", "withdrawn": "bad",
            "failed": "bad", "returned": "bad"}.get(status, "")


def agency_work(agency) -> dict[str, list[Row]]:
    """Sign-ups, awards, deliveries, ratings received and sanctions of ``agency``."""
    now = timezone.now()
    signups = []
    for s in (SignUp.objects.filter(agency=agency).select_related("project")
              .order_by("-created")[:ROWS]):
        p = s.project
        step, step_url, when = "", "", None
        if s.status == SignUp.Status.ACTIVE and p.status == Project.Status.PUBLISHED:
            step, step_url, when = _("Wait for the sign-up to close"), p.get_absolute_url(), \
                p.signup_deadline
        elif s.status == SignUp.Status.ACTIVE and p.status == Project.Status.SELECTING:
            if p.method == Project.Method.LIVE_BIDDING:
                step, step_url = _("Bid in the live auction"), reverse("bidding:auction",
                                                                      args=[p.pk])
            else:
                step, step_url = _("Take part in the selection"), reverse("bidding:selection",
                                                                         args=[p.pk])
        signups.append(Row(p.title, p.get_absolute_url(),
                           f"{p.get_status_display()} · {s.get_status_display()}",
                           _tone(p.status), step, step_url, when, p.get_method_display()))

    rated = set(PurchaserRating.objects.filter(agency=agency).values_list("award_id", flat=True))
    awards, auctions = [], []
    for a in (Award.objects.filter(agency=agency).select_related("project", "agency", "contract")
              .order_by("-decided_at")[:ROWS]):
        step, step_url, when = _award_step_for_agency(a, a.pk in rated, now)
        awards.append(Row(a.project.title, _award_url(a), a.get_status_display(),
                          _tone(a.status), step, step_url, when, a.code))
    for p in (Project.objects.filter(status=Project.Status.SELECTING,
                                     method=Project.Method.LIVE_BIDDING,
                                     signups__agency=agency,
                                     signups__status=SignUp.Status.ACTIVE)
              .order_by("pk")[:ROWS]):
        auctions.append(Row(p.title, reverse("bidding:auction", args=[p.pk]),
                            p.get_status_display(), "warn", _("Bid in the live auction"),
                            reverse("bidding:auction", args=[p.pk])))

    deliveries = [
        Row(d.award.project.title, _award_url(d.award) + "#delivery", d.get_status_display(),
            _tone(d.status),
            _("Deliver again") if d.status == Delivery.Status.RETURNED else "",
            _award_url(d.award) + "#delivery" if d.status == Delivery.Status.RETURNED else "",
            d.created, d.reason if d.status == Delivery.Status.RETURNED else "")
        for d in (Delivery.objects.filter(award__agency=agency).select_related("award__project")
                  .order_by("-created")[:ROWS])]

    ratings = []
    for r in (Rating.objects.filter(agency=agency).select_related("award__project", "reply")
              .order_by("-created")[:ROWS]):
        replied = hasattr(r, "reply")
        ratings.append(Row(
            r.award.project.title, reverse("ratings:agency", args=[agency.pk]),
            f"{r.average}★ · {r.get_status_display()}", "", "" if replied else _("Reply"),
            "" if replied else reverse("ratings:reply", args=[r.pk]), r.created))

    sanctions = [
        Row(s.get_kind_display(), reverse("credit:sanction", args=[s.pk]),
            s.get_status_display(), "bad" if s.status == "active" else "",
            _("Read it; you may appeal") if s.status in ("proposed", "active") else "",
            reverse("credit:sanction", args=[s.pk]) if s.status in ("proposed", "active") else "",
            s.ends_at, s.reason)
        for s in Sanction.objects.filter(agency=agency).order_by("-created")[:ROWS]]
    return {"signups": signups, "auctions": auctions, "awards": awards,
            "deliveries": deliveries, "ratings": ratings, "sanctions": sanctions}


def _project_step(project, award, rated: bool, now) -> tuple[str, str, object]:
    """The purchaser's next step on ``project`` whose current award is ``award`` (or None)."""
    detail = project.get_absolute_url()
    if project.status == Project.Status.DRAFT:
        return _("Complete and publish the posting"), reverse("bidding:project-edit",
                                                              args=[project.pk]), None
    if project.status == Project.Status.PUBLISHED:
        return _("Sign-up is open; selection starts at the deadline"), detail, \
            project.signup_deadline
    if project.status == Project.Status.SELECTING:
        if project.method == Project.Method.LIVE_BIDDING:
            return _("Follow the live auction"), reverse("bidding:auction",
                                                         args=[project.pk]), None
        return _("Run the selection"), reverse("bidding:selection", args=[project.pk]), None
    if award is None:
        return "", "", None
    url = _award_url(award)
    contract_step = _contract_step(award, project.purchaser_id, now)
    if contract_step is not None:
        return contract_step
    if award.status == Award.Status.IN_SERVICE:
        return _("Awaiting the agency's delivery"), url, None
    if award.status == Award.Status.DELIVERED:
        return _("Accept or return the result"), url + "#delivery", None
    if award.status == Award.Status.ACCEPTED and not rated:
        return _("Rate the agency"), reverse("ratings:award", args=[award.pk]), None
    return "", "", None


def purchaser_work(organisation) -> dict[str, list[Row]]:
    """The purchaser's projects by state, each with its next step."""
    current = Prefetch("awards", queryset=Award.objects.filter(status__in=CURRENT_AWARD)
                       .select_related("agency", "contract").order_by("-rank"),
                       to_attr="current_awards")
    now = timezone.now()
    projects = list(Project.objects.filter(purchaser=organisation).prefetch_related(current)
                    .order_by("-created")[:ROWS * 4])
    rated = set(Rating.objects.filter(purchaser=organisation).values_list("award_id", flat=True))
    groups: dict[str, list[Row]] = {}
    for p in projects:
        award = p.current_awards[0] if p.current_awards else None
        step, step_url, when = _project_step(p, award, award is not None and award.pk in rated,
                                             now)
        state = p.get_status_display()
        if award is not None:
            state = f"{state} · {award.get_status_display()}"
        groups.setdefault(p.status, []).append(Row(
            p.title, p.get_absolute_url(), state, _tone(award.status if award else p.status),
            step, step_url, when, award.agency.name if award else p.get_method_display()))
    order = [s for s, _label in Project.Status.choices]
    return {status: groups[status] for status in order if status in groups}
