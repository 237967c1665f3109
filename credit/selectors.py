"""Reads of the credit ledger and the sanctions, including the one enforcement check
``sanction_block_reason`` used by sign-up, the HTTP bid and the WebSocket bid."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Round, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.models import Agency

from . import scoring
from .models import CreditEvent, Sanction


def ledger_groups(agency_ids: Iterable[int] | None = None) -> dict[int, list[scoring.Group]]:
    """Non-voided events grouped by (agency, kind, source, local day), sums in hundredths.

    The same query serves the incremental update (one agency) and the full recompute (ranges of
    agencies), so both score exactly the same inputs."""
    qs = CreditEvent.objects.filter(voided=False)
    if agency_ids is not None:
        ids = list(agency_ids)
        qs = qs.filter(agency_id=ids[0]) if len(ids) == 1 else qs.filter(agency_id__in=ids)
    return _grouped(qs)


def ledger_groups_range(first_pk: int, last_pk: int) -> dict[int, list[scoring.Group]]:
    """``ledger_groups`` for the agencies with ``first_pk <= pk <= last_pk`` (recompute chunks)."""
    return _grouped(CreditEvent.objects.filter(voided=False, agency_id__gte=first_pk,
                                               agency_id__lte=last_pk))


def _grouped(qs) -> dict[int, list[scoring.Group]]:
    rows = (
        qs.annotate(day=TruncDate("occurred_at"))
        .values("agency_id", "kind", "source", "day")
        .annotate(points_centi=Sum(Round(F("points") * 100)),
                  stars_centi=Sum(Round(F("stars") * 100)),
                  n=Count("id"))
        .order_by()
        .values_list("agency_id", "kind", "source", "day", "points_centi", "stars_centi", "n")
    )
    out: dict[int, list[scoring.Group]] = defaultdict(list)
    for agency_id, kind, source, day, points, stars, n in rows:
        out[agency_id].append(scoring.Group(kind, source, day, int(points or 0),
                                            int(stars or 0), n))
    return out


def agency_score(agency_id: int, *, as_of: dt.date | None = None,
                 params: scoring.Params | None = None) -> scoring.Result:
    """Score one agency from its ledger (what the stored fields must equal)."""
    as_of = as_of or timezone.localdate()
    groups = ledger_groups([agency_id]).get(agency_id, [])
    return scoring.score(groups, as_of=as_of, params=params or scoring.params_from_settings())


def sanctions_in_force(agency_id: int, now: dt.datetime | None = None):
    now = now or timezone.now()
    return [s for s in Sanction.objects.filter(agency_id=agency_id,
                                               status=Sanction.Status.ACTIVE)
            if s.in_force(now)]


def sanction_block_reason(agency: Agency | int, now: dt.datetime | None = None) -> str | None:
    """The reason ``agency`` may not sign up or bid now (an expulsion or suspension in force),
    or ``None``. One indexed query; checked by ``bidding.eligibility`` on every sign-up and bid,
    so an agency sanctioned mid-auction has its next bid refused with this reason."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    now = now or timezone.now()
    blocking = (
        Sanction.objects.filter(
            agency_id=agency_id, status=Sanction.Status.ACTIVE,
            kind__in=[Sanction.Kind.SUSPENSION, Sanction.Kind.EXPULSION],
        )
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(kind=Sanction.Kind.EXPULSION, blacklist_until__isnull=True)
                | Q(kind=Sanction.Kind.EXPULSION, blacklist_until__gt=now)
                | Q(kind=Sanction.Kind.SUSPENSION, ends_at__isnull=True)
                | Q(kind=Sanction.Kind.SUSPENSION, ends_at__gt=now))
        .order_by("kind", "-ends_at")  # expulsion sorts before suspension
        .only("kind", "reason", "ends_at", "blacklist_until")
        .first()
    )
    if blocking is None:
        return None
    if blocking.kind == Sanction.Kind.EXPULSION:
        until = blocking.blacklist_until
        if until:
            return _("The agency has been expelled from the platform and is blacklisted until "
                     "%(until)s: %(reason)s") % {
                "until": date_format(timezone.localtime(until), "DATE_FORMAT"),
                "reason": blocking.reason}
        return _("The agency has been expelled from the platform: %(reason)s") % {
            "reason": blocking.reason}
    if blocking.ends_at:
        return _("The agency is suspended from signing up and bidding until %(until)s: "
                 "%(reason)s") % {
            "until": date_format(timezone.localtime(blocking.ends_at), "DATE_FORMAT"),
            "reason": blocking.reason}
    return _("The agency is suspended from signing up and bidding: %(reason)s") % {
        "reason": blocking.reason}


def agency_events(agency_id: int):
    return (CreditEvent.objects.filter(agency_id=agency_id)
            .select_related("created_by", "voided_by").order_by("-occurred_at", "-id"))


def agency_sanctions(agency_id: int):
    return Sanction.objects.filter(agency_id=agency_id).order_by("-created", "-id")


def credit_explanation(agency: Agency, *, as_of: dt.date | None = None,
                       params: scoring.Params | None = None) -> dict:
    """The score and every event with its contribution as of ``as_of``, newest first."""
    as_of = as_of or timezone.localdate()
    params = params or scoring.params_from_settings()
    result = agency_score(agency.pk, as_of=as_of, params=params)
    rows = []
    for event in agency_events(agency.pk):
        day = timezone.localtime(event.occurred_at).date()
        weight = params.factor(event.source) * scoring.decay(day, as_of, params.half_life_days)
        value = 0.0 if event.voided else scoring.contribution(
            kind=event.kind, source=event.source, day=day, points=event.points,
            stars=event.stars, as_of=as_of, rating_weight=result.rating_weight, params=params)
        rows.append({"event": event, "weight": weight, "source_factor": params.factor(event.source),
                     "decay": scoring.decay(day, as_of, params.half_life_days),
                     "contribution": value})
    return {"agency": agency, "result": result, "rows": rows, "as_of": as_of,
            "params": params, "rule_version": scoring.RULE_VERSION}


def credit_list(*, grade: str = "", stars: str = "", q: str = ""):
    qs = Agency.objects.select_related("region").only(
        "id", "name", "uscc", "region__name", "credit_score", "credit_stars", "credit_grade",
        "standing", "rating_average", "rating_count")
    if grade in scoring.GRADES:
        qs = qs.filter(credit_grade=grade)
    if stars.isdigit() and 1 <= int(stars) <= 5:
        qs = qs.filter(credit_stars=int(stars))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q))
    return qs.order_by("-credit_score", "name", "id")


def sanctions_current(*, kind: str = "", now: dt.datetime | None = None):
    """Public list: sanctions proposed or in force (expulsions still blacklisting)."""
    now = now or timezone.now()
    qs = Sanction.objects.select_related("agency").filter(
        status__in=[Sanction.Status.ACTIVE, Sanction.Status.PROPOSED])
    if kind in Sanction.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created", "-id")


def sanctions_all(*, status: str = "", kind: str = ""):
    qs = Sanction.objects.select_related("agency", "trigger_event")
    if status in Sanction.Status.values:
        qs = qs.filter(status=status)
    if kind in Sanction.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created", "-id")


def complaints_in_window(agency_id: int, now: dt.datetime, days: int) -> int:
    return CreditEvent.objects.filter(
        agency_id=agency_id, kind=CreditEvent.Kind.COMPLAINT_UPHELD, voided=False,
        occurred_at__gt=now - dt.timedelta(days=days), occurred_at__lte=now).count()
