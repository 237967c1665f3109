"""The notices of credit: who is told what when a sanction, the ledger, an inspection or a tie
review changes (docs/architecture.md, "Notifications"; kinds in ``credit/kinds.py``).

Each function is called by the service that made the change, inside its transaction and
holding its locks, and calls ``notifications.outbox.notify`` with the event's idempotency key
(``<kind>:<pk>…``), so a step run twice tells nobody twice and a change that rolls back tells
nobody at all. The agency is told through its organisation (every member); a regulator
through its organisation, chosen by jurisdiction (``core/jurisdiction.py``). The
inspection pages live in supervision: their links are reversed by name, never imported.

``sanction_expiry_reminders`` is the one service here that starts its own work: the periodic
step ``credit_reminders`` (marketplace/periodic.py) tells an agency its suspension ends within
a working day.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from core.jurisdiction import regulators_covering
from core.workdays import add_working_days
from credit.models import CreditEvent, Inspection, PurchaserCreditEvent, Sanction, TieReview
from notifications.models import Notification
from notifications.outbox import notify


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _agency(agency: Agency | int) -> Agency:
    """The agency with its organisation and region (the recipients' rows)."""
    if isinstance(agency, Agency) and Agency.organisation.is_cached(agency):
        return agency
    pk = agency.pk if isinstance(agency, Agency) else agency
    return Agency.objects.select_related("organisation", "region").get(pk=pk)


def _sanction_data(sanction: Sanction, agency: Agency, **extra) -> dict:
    return {"agency": agency.name, "kind": sanction.kind, "reason": sanction.reason,
            "ends": _when(sanction.ends_at), "until": _when(sanction.blacklist_until), **extra}


def _sanction_url(sanction: Sanction) -> str:
    return reverse("credit:sanction", args=[sanction.pk])


# --- sanctions ----------------------------------------------------------------------------------

def sanctions_created_notify(sanctions: Iterable[Sanction],
                             agencies: dict[int, Agency] | None = None) -> None:
    """New sanctions: a proposed one to the agency and the regulators who may confirm it; one
    in force at once to the agency, by its kind (warning, suspension, expulsion)."""
    for sanction in sanctions:
        agency = (agencies or {}).get(sanction.agency_id) or _agency(sanction.agency_id)
        data = _sanction_data(sanction, agency)
        if sanction.status == Sanction.Status.PROPOSED:
            kind, to = "sanction.proposed", [agency.organisation,
                                             *regulators_covering(agency.region)]
        else:
            kind, to = f"sanction.{sanction.kind}", [agency.organisation]
        notify(kind, to=to, obj=sanction, url=_sanction_url(sanction), data=data,
               key=f"{kind}:{sanction.pk}")


def sanction_decided_notify(sanction: Sanction, *, confirmed: bool, decision: str = "") -> None:
    """A proposed sanction confirmed or rejected: the agency and the regulators of its region
    (whose queue it leaves)."""
    agency = _agency(sanction.agency_id)
    kind = "sanction.confirmed" if confirmed else "sanction.rejected"
    notify(kind, to=[agency.organisation, *regulators_covering(agency.region)], obj=sanction,
           url=_sanction_url(sanction), data=_sanction_data(sanction, agency, decision=decision),
           key=f"{kind}:{sanction.pk}")


def sanction_ended_notify(sanction: Sanction, *, kind: str, decision: str = "",
                          agency: Agency | None = None) -> None:
    """A sanction lifted (``sanction.lifted``), expired (``sanction.expired``) or decided on
    appeal (``sanction.appeal_upheld`` / ``sanction.appeal_rejected``): the agency."""
    agency = agency or _agency(sanction.agency_id)
    data = _sanction_data(sanction, agency, decision=decision,
                          date=_when(sanction.closed_at or timezone.now()))
    notify(kind, to=[agency.organisation], obj=sanction, url=_sanction_url(sanction),
           data=data, key=f"{kind}:{sanction.pk}")


def sanction_appealed_notify(sanction: Sanction) -> None:
    """The agency appealed: the regulators who may decide it."""
    agency = _agency(sanction.agency_id)
    notify("sanction.appealed", to=regulators_covering(agency.region), obj=sanction,
           url=_sanction_url(sanction),
           data=_sanction_data(sanction, agency, text=sanction.appeal_text),
           key=f"sanction.appealed:{sanction.pk}")


def agency_reinstated_notify(agency: Agency, sanctions: list[Sanction], *, reason: str) -> None:
    agency = _agency(agency)
    pks = "-".join(str(s.pk) for s in sorted(sanctions, key=lambda s: s.pk))
    notify("agency.reinstated", to=[agency.organisation], obj=agency,
           url=reverse("credit:agency", args=[agency.pk]),
           data={"agency": agency.name, "decision": reason},
           key=f"agency.reinstated:{agency.pk}:{pks}")


def sanction_expiry_reminders(*, now: dt.datetime | None = None) -> int:
    """Tell each agency whose suspension ends within one working day (and has not ended yet)
    that it may soon sign up and bid again; once per suspension. Returns how many suspensions
    were announced now. Idempotent: the key is the sanction's."""
    now = now or timezone.now()
    soon = add_working_days(now, 1)
    due = list(Sanction.objects.filter(kind=Sanction.Kind.SUSPENSION,
                                       status=Sanction.Status.ACTIVE,
                                       ends_at__gt=now, ends_at__lte=soon)
               .order_by("pk").values_list("pk", flat=True))
    told = set(Notification.objects.filter(key__in=[f"sanction.expiring:{pk}" for pk in due])
               .values_list("key", flat=True))
    done = 0
    for pk in due:
        if f"sanction.expiring:{pk}" in told:
            continue
        with transaction.atomic():
            sanction = Sanction.objects.select_related("agency__organisation").get(pk=pk)
            agency = sanction.agency
            done += bool(notify("sanction.expiring", to=[agency.organisation], obj=sanction,
                                url=_sanction_url(sanction),
                                data=_sanction_data(sanction, agency),
                                key=f"sanction.expiring:{pk}"))
    return done


# --- the ledger ---------------------------------------------------------------------------------

def grade_changed_notify(agency: Agency, *, before: str, result, key: str) -> None:
    """The agency's credit grade moved (``before`` → ``result.grade``); nothing when it did
    not, however the score moved."""
    if not before or before == result.grade:
        return
    agency = _agency(agency)
    notify("credit.grade_changed", to=[agency.organisation], obj=agency,
           url=reverse("credit:agency", args=[agency.pk]),
           data={"agency": agency.name, "before": before, "after": result.grade,
                 "score": str(result.score), "stars": result.stars},
           key=f"credit.grade_changed:{key}")


def grades_changed_notify(changes: list[tuple[int, str, object]], *, key: str) -> None:
    """The grades a full recompute moved (``(agency id, before, result)``), one query for the
    agencies; ``key`` names the recompute (its date)."""
    agencies = Agency.objects.select_related("organisation", "region").in_bulk(
        [pk for pk, _before, _result in changes])
    for pk, before, result in changes:
        grade_changed_notify(agencies[pk], before=before, result=result,
                             key=f"{pk}:{key}:{result.grade}")


def finding_recorded_notify(event: CreditEvent) -> None:
    """A regulator's finding (``credit.finding_recorded``) or repair (``credit.repaired``)."""
    agency = _agency(event.agency_id)
    kind = "credit.repaired" if event.kind == CreditEvent.Kind.REPAIR \
        else "credit.finding_recorded"
    notify(kind, to=[agency.organisation], obj=event,
           url=reverse("credit:agency", args=[agency.pk]),
           data={"agency": agency.name, "points": str(event.points), "reason": event.reason,
                 "kind": event.kind}, key=f"{kind}:{event.pk}")


def purchaser_penalised_notify(event: PurchaserCreditEvent) -> None:
    """An event that costs the purchaser points on its own credit (a missed signing deadline,
    an award declined): the purchaser. Ratings of the purchaser are told by ratings."""
    if event.kind == PurchaserCreditEvent.Kind.RATING or event.award_id is None:
        return
    award = event.award
    kind = f"purchaser_credit.{event.kind}"
    notify(kind, to=[event.purchaser], obj=event, url=award.project.get_absolute_url(),
           data={"project": award.project.title, "award": award.code,
                 "points": str(event.points)}, key=f"{kind}:{event.pk}")


# --- inspections and ties -----------------------------------------------------------------------

def inspection_drawn_notify(inspection: Inspection) -> None:
    """The drawn agencies (each its own notice) and the regulators: the one who announced it
    and those whose jurisdiction holds a drawn agency."""
    findings = list(inspection.findings.select_related("agency__organisation",
                                                       "agency__region"))
    url = reverse("supervision:inspection", args=[inspection.pk])
    for finding in findings:
        agency = finding.agency
        notify("inspection.selected", to=[agency.organisation], obj=inspection, url=url,
               data={"agency": agency.name, "title": inspection.title},
               key=f"inspection.selected:{inspection.pk}:{agency.pk}")
    announcer = getattr(getattr(inspection.created_by, "member", None), "organisation", None)
    regulators = regulators_covering(*[f.agency.region for f in findings])
    notify("inspection.drawn", to=[*([announcer] if announcer else []), *regulators],
           obj=inspection, url=reverse("supervision:regulator-inspection", args=[inspection.pk]),
           data={"title": inspection.title, "count": len(findings)},
           key=f"inspection.drawn:{inspection.pk}")


def inspection_finding_notify(finding) -> None:
    agency = _agency(finding.agency_id)
    notify("inspection.finding_recorded", to=[agency.organisation], obj=finding,
           url=reverse("credit:agency", args=[agency.pk]),
           data={"agency": agency.name, "title": finding.inspection.title,
                 "result": finding.result, "points": str(finding.points)},
           key=f"inspection.finding_recorded:{finding.pk}")


def inspection_published_notify(inspection: Inspection) -> None:
    url = reverse("supervision:inspection", args=[inspection.pk])
    for finding in inspection.findings.select_related("agency__organisation"):
        agency = finding.agency
        notify("inspection.published", to=[agency.organisation], obj=inspection, url=url,
               data={"agency": agency.name, "title": inspection.title,
                     "result": finding.result},
               key=f"inspection.published:{inspection.pk}:{agency.pk}")


def tie_reviewed_notify(review: TieReview) -> None:
    """The agency learns its declared tie was reviewed; the review note stays the regulators'
    (their workspace alone shows it)."""
    agency = _agency(review.agency_id)
    notify("tie.reviewed", to=[agency.organisation], obj=agency, url=agency.get_absolute_url(),
           data={"agency": agency.name, "department": review.department},
           key=f"tie.reviewed:{review.pk}")
