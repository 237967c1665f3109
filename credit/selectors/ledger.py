"""Reads of the credit ledger and the sanctions, including the one enforcement check
``sanction_block_reason`` used by sign-up, the HTTP bid and the WebSocket bid."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Round, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.models import Agency
from core.prepared import Prepared
from credit import scoring
from credit.models import CreditEvent, Sanction


def ledger_groups(agency_ids: Iterable[int] | None = None) -> dict[int, list[scoring.Group]]:
    """Non-voided events grouped by (agency, kind, source, local day), sums in hundredths.

    The same rows and the same grouping (``scoring.group_rows``) serve the incremental update
    (one agency) and the full recompute (ranges of agencies), so both score exactly the same
    inputs. Several ids read the range from the smallest to the largest; meant for one."""
    if agency_ids is None:
        return ledger_groups_range(-(2 ** 63), 2 ** 63 - 1)
    ids = set(agency_ids)
    if not ids:
        return {}
    groups = ledger_groups_range(min(ids), max(ids))
    return groups if len(ids) == 1 else {k: v for k, v in groups.items() if k in ids}


def ledger_groups_range(first_pk: int, last_pk: int) -> dict[int, list[scoring.Group]]:
    """``ledger_groups`` for the agencies with ``first_pk <= pk <= last_pk`` (recompute chunks)."""
    return scoring.group_rows(_ledger_rows(first_pk, last_pk))


def _ledger_query(*, first, last):
    return (
        CreditEvent.objects
        .filter(agency_id__gte=first, agency_id__lte=last, voided=False).order_by()
        .annotate(ledger_day=TruncDate("occurred_at"),
                  points_centi=Cast(Round(F("points") * 100), IntegerField()),
                  stars_centi=Cast(Round(Coalesce(F("stars"), Value(Decimal(0))) * 100),
                                   IntegerField()))
        .values_list("agency_id", "kind", "source", "ledger_day", "points_centi",
                     "stars_centi")
    )


# Compiled once per database and time zone (core/prepared.py): compiling its expressions costs
# more than running it for one agency (a covering index answers it).
_LEDGER = Prepared(CreditEvent, _ledger_query, ints=("first", "last"))


def _ledger_rows(first_pk: int, last_pk: int) -> list[tuple]:
    """One row per non-voided event of the agencies ``first_pk``–``last_pk``: ``(agency_id,
    kind, source, local day, points in hundredths, stars in hundredths)``, computed by the
    database.

    Read through a plain cursor: the full recompute reads a million rows and Django's per-row
    converters would cost more than the query. The database returns the day as a date
    (PostgreSQL) or as ISO text (SQLite), the hundredths as integers."""
    connection, sql, params = _LEDGER.statement(first=first_pk, last=last_pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return rows
    return [(agency_id, kind, source,
             day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)),
             int(points), int(stars)) for agency_id, kind, source, day, points, stars in rows]


def agency_score(agency_id: int, *, as_of: dt.date | None = None,
                 params: scoring.Params | None = None) -> scoring.Result:
    """Score one agency from its ledger (what the stored fields must equal)."""
    scorer = scoring.Scorer(as_of=as_of or timezone.localdate(),
                            params=params or scoring.params_from_settings())
    return scorer.score(ledger_groups([agency_id]).get(agency_id, ()))


def _blocking_sanctions(agency, now: dt.datetime):
    """The sanctions in force at ``now`` that bar ``agency`` (an id or an ``OuterRef``) from
    signing up and bidding: active suspensions and expulsions that have started and not ended
    (a suspension's ``ends_at``, an expulsion's ``blacklist_until``; none: for good)."""
    return (
        Sanction.objects.filter(
            agency_id=agency, status=Sanction.Status.ACTIVE,
            kind__in=[Sanction.Kind.SUSPENSION, Sanction.Kind.EXPULSION],
        )
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(kind=Sanction.Kind.EXPULSION, blacklist_until__isnull=True)
                | Q(kind=Sanction.Kind.EXPULSION, blacklist_until__gt=now)
                | Q(kind=Sanction.Kind.SUSPENSION, ends_at__isnull=True)
                | Q(kind=Sanction.Kind.SUSPENSION, ends_at__gt=now))
    )


def sanction_blocks(agency: OuterRef, now: dt.datetime) -> Exists:
    """Whether ``sanction_block_reason`` gives a reason at ``now``, as an expression for the
    agency ``agency`` refers to: its fast pre-check, the same filter, which a bid reads within
    the query it already makes (``bidding.eligibility.register_standing_check``)."""
    return Exists(_blocking_sanctions(agency, now))


def sanction_block_reason(agency: Agency | int, now: dt.datetime | None = None) -> str | None:
    """The reason ``agency`` may not sign up or bid now (an expulsion or suspension in force),
    or ``None``. One indexed query; checked by ``bidding.eligibility`` on every sign-up and bid
    (run when ``sanction_blocks`` says there is a reason), so an agency sanctioned mid-auction
    has its next bid refused with this reason."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    now = now or timezone.now()
    blocking = (
        _blocking_sanctions(agency_id, now)
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
