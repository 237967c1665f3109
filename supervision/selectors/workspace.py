"""Reads of the regulator's workspace: overview figures, the risk list, the queues.

Thresholds are settings (``RISK_*`` in ``settings.MARKETPLACE``); every list here can also be
exported as CSV by its page.

Every read takes the regulator's ``jurisdiction`` (``jurisdiction_of``: the region of the
regulator's organisation, at any level; ``None``: everywhere). An agency is in it when it is
registered there or anywhere under it; a project when its location is (or, without one, its
purchaser's region). A code prefix selects it, whatever the level. Jurisdiction routes a
regulator's work; it never excludes an agency from anything (R3).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agencies.models import Agency
from bidding.models import Award, Objection, Project, SignUp
from core.models import Organisation, Region
from core.regions import within_region
from core.roles import organisation_of
from credit.models import CreditEvent, Inspection, InspectionFinding, Inspector, Sanction, TieReview
from ratings.models import Rating

GRADES = ["A", "B", "C", "D", "E"]
LIVE_AWARDS = (Award.Status.NOTICE, Award.Status.CONTRACTING, Award.Status.IN_SERVICE,
               Award.Status.DELIVERED, Award.Status.ACCEPTED)


# --- jurisdiction ---------------------------------------------------------------------------

def jurisdiction_of(user) -> Region | None:
    """The region a regulator oversees (its organisation's region); ``None``: everywhere."""
    org = organisation_of(user)
    if org is None or org.kind != Organisation.Kind.REGULATOR:
        return None
    return org.region


def agency_q(jurisdiction: Region | None, path: str = "") -> Q:
    """Agencies (at ``path``, e.g. ``"agency__"``) registered in ``jurisdiction`` or under it."""
    if jurisdiction is None:
        return Q()
    return within_region(jurisdiction, f"{path}region")


def project_q(jurisdiction: Region | None, path: str = "") -> Q:
    """Projects (at ``path``) located in ``jurisdiction`` or under it; a project without a
    location counts where its purchaser is."""
    if jurisdiction is None:
        return Q()
    return (within_region(jurisdiction, f"{path}region")
            | (Q(**{f"{path}region__isnull": True})
               & within_region(jurisdiction, f"{path}purchaser__region")))


# --- overview ---------------------------------------------------------------------------------

def _months(n: int, today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for _ in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def _monthly(qs, field: str, months: list[dt.date]) -> list[int]:
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    rows = (qs.filter(**{f"{field}__gte": start}).annotate(m=TruncMonth(field))
            .values("m").annotate(n=Count("id")).order_by())
    counts = {}
    for row in rows:
        m = row["m"]
        if isinstance(m, dt.datetime):
            m = timezone.localtime(m).date() if timezone.is_aware(m) else m.date()
        counts[m.replace(day=1)] = row["n"]
    return [counts.get(m, 0) for m in months]


def overview_figures(*, months: int = 12, now: dt.datetime | None = None,
                     jurisdiction: Region | None = None) -> dict:
    """Everything the overview charts and key figures show, within ``jurisdiction``."""
    now = now or timezone.now()
    month_list = _months(months, timezone.localtime(now).date())
    agencies = Agency.objects.filter(agency_q(jurisdiction))
    projects = Project.objects.filter(project_q(jurisdiction))
    awards = Award.objects.filter(project_q(jurisdiction, "project__"))
    grades = dict(agencies.values_list("credit_grade").annotate(n=Count("id")).order_by())
    method_status = defaultdict(dict)
    for method, status, n in (projects.values_list("method", "status")
                              .annotate(n=Count("id")).order_by()):
        method_status[method][status] = n
    awarded = projects.filter(awards__status__in=LIVE_AWARDS, awards__rank=1).distinct()
    bidders = (awarded.annotate(n=Count("signups", filter=Q(signups__status=SignUp.Status.ACTIVE),
                                        distinct=True)).aggregate(avg=Avg("n"))["avg"])
    savings = []
    saved_total = Decimal("0")
    for ceiling, price in (awards.filter(
            status__in=LIVE_AWARDS, project__ceiling__gt=0,
            project__quote_mode=Project.QuoteMode.AMOUNT)
            .values_list("project__ceiling", "price")):
        savings.append((ceiling - price) / ceiling)
        saved_total += ceiling - price
    return {
        "months": [m.strftime("%Y-%m") for m in month_list],
        "grades": [(g, grades.get(g, 0)) for g in GRADES],
        "ratings_monthly": _monthly(Rating.objects.filter(agency_q(jurisdiction, "agency__")),
                                    "created", month_list),
        "sanctions_monthly": _monthly(Sanction.objects.filter(
            agency_q(jurisdiction, "agency__")), "created", month_list),
        "projects": {
            "methods": [(m, str(label)) for m, label in Project.Method.choices],
            "statuses": [(s, str(label)) for s, label in Project.Status.choices],
            "counts": {m: method_status.get(m, {}) for m, _ in Project.Method.choices},
        },
        "agency_count": agencies.count(),
        "project_count": projects.count(),
        "award_count": awards.filter(status__in=LIVE_AWARDS).count(),
        "avg_bidders": round(float(bidders), 2) if bidders is not None else None,
        "avg_saving_pct": round(float(sum(savings) / len(savings)) * 100, 2) if savings else None,
        "saved_total": saved_total,
        "saving_sample": len(savings),
    }


# --- risk list --------------------------------------------------------------------------------

@dataclass
class FallingScore:
    agency: Agency
    before: Decimal
    now: Decimal

    @property
    def drop(self) -> Decimal:
        return self.before - self.now


def risk_falling_scores(*, now: dt.datetime | None = None, days: int = 90,
                        jurisdiction: Region | None = None) -> list[FallingScore]:
    """Agencies whose score fell by at least ``RISK_SCORE_DROP`` against ``days`` ago (the score
    after the last counting event before then, or the base score)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    base = Decimal(str(settings.MARKETPLACE["CREDIT_BASE_SCORE"]))
    threshold = Decimal(str(settings.MARKETPLACE["RISK_SCORE_DROP"]))
    changed = CreditEvent.objects.filter(occurred_at__gt=cutoff).values("agency_id")
    before = (CreditEvent.objects.filter(agency=OuterRef("pk"), occurred_at__lte=cutoff,
                                         score_after__isnull=False)
              .order_by("-occurred_at", "-id").values("score_after")[:1])
    out = []
    for agency in (Agency.objects.filter(agency_q(jurisdiction), pk__in=changed)
                   .annotate(score_before=Subquery(before))
                   .order_by("name")):
        was = agency.score_before if agency.score_before is not None else base
        if was - agency.credit_score >= threshold:
            out.append(FallingScore(agency, was, agency.credit_score))
    out.sort(key=lambda f: f.drop, reverse=True)
    return out


def risk_repeated_complaints(*, now: dt.datetime | None = None,
                             jurisdiction: Region | None = None) -> list[tuple[Agency, int]]:
    """Agencies with at least ``RISK_COMPLAINTS_12M`` upheld complaints or objections in twelve
    months (voided events excluded)."""
    now = now or timezone.now()
    rows = (CreditEvent.objects.filter(
        agency_q(jurisdiction, "agency__"), voided=False,
        occurred_at__gte=now - dt.timedelta(days=365),
        kind__in=[CreditEvent.Kind.COMPLAINT_UPHELD, CreditEvent.Kind.OBJECTION_UPHELD])
        .values("agency_id").annotate(n=Count("id")).filter(n__gte=settings.MARKETPLACE["RISK_COMPLAINTS_12M"])
        .order_by("-n"))
    counts = {r["agency_id"]: r["n"] for r in rows}
    agencies = Agency.objects.in_bulk(list(counts))
    return [(agencies[pk], n) for pk, n in counts.items()]


@dataclass
class BiddingPair:
    first: Agency
    second: Agency
    together: int
    first_total: int
    second_total: int

    @property
    def share(self) -> int:
        """Co-signed projects as a percentage of the smaller agency's sign-ups."""
        return round(100 * self.together / max(1, min(self.first_total, self.second_total)))


def risk_bidding_pairs(*, min_projects: int | None = None,
                       jurisdiction: Region | None = None) -> list[BiddingPair]:
    """Pairs of agencies signed up together in at least ``RISK_PAIR_MIN_PROJECTS`` projects
    (of ``jurisdiction``)."""
    min_projects = min_projects or settings.MARKETPLACE["RISK_PAIR_MIN_PROJECTS"]
    by_project: dict[int, list[int]] = defaultdict(list)
    totals: Counter = Counter()
    for project_id, agency_id in (SignUp.objects.filter(project_q(jurisdiction, "project__"),
                                                        status=SignUp.Status.ACTIVE)
                                  .values_list("project_id", "agency_id").order_by()):
        by_project[project_id].append(agency_id)
        totals[agency_id] += 1
    pairs: Counter = Counter()
    for agencies in by_project.values():
        for a, b in combinations(sorted(set(agencies)), 2):
            pairs[(a, b)] += 1
    flagged = [(pair, n) for pair, n in pairs.items() if n >= min_projects]
    names = Agency.objects.in_bulk({pk for pair, _ in flagged for pk in pair})
    out = [BiddingPair(names[a], names[b], n, totals[a], totals[b]) for (a, b), n in flagged]
    out.sort(key=lambda p: (-p.together, -p.share, p.first.name))
    return out


@dataclass
class DominantWinner:
    purchaser: object
    agency: Agency
    wins: int
    awards: int

    @property
    def share(self) -> int:
        return round(100 * self.wins / max(1, self.awards))


def risk_dominant_winners(*, jurisdiction: Region | None = None) -> list[DominantWinner]:
    """Purchasers with at least ``RISK_WINNER_MIN_AWARDS`` awards of which one agency won a share
    of at least ``RISK_WINNER_SHARE``."""
    min_awards = settings.MARKETPLACE["RISK_WINNER_MIN_AWARDS"]
    share = settings.MARKETPLACE["RISK_WINNER_SHARE"]
    wins: dict[int, Counter] = defaultdict(Counter)
    for purchaser_id, agency_id in (Award.objects.filter(project_q(jurisdiction, "project__"),
                                                         status__in=LIVE_AWARDS)
                                    .values_list("project__purchaser_id", "agency_id")
                                    .order_by()):
        wins[purchaser_id][agency_id] += 1
    flagged = []
    for purchaser_id, counter in wins.items():
        total = sum(counter.values())
        agency_id, top = counter.most_common(1)[0]
        if total >= min_awards and top / total >= share:
            flagged.append((purchaser_id, agency_id, top, total))
    purchasers = Organisation.objects.in_bulk([f[0] for f in flagged])
    agencies = Agency.objects.in_bulk([f[1] for f in flagged])
    out = [DominantWinner(purchasers[p], agencies[a], top, total)
           for p, a, top, total in flagged]
    out.sort(key=lambda d: (-d.share, -d.awards))
    return out


def risk_summary(now: dt.datetime | None = None, *, jurisdiction: Region | None = None) -> dict:
    return {
        "falling": risk_falling_scores(now=now, jurisdiction=jurisdiction),
        "complaints": risk_repeated_complaints(now=now, jurisdiction=jurisdiction),
        "pairs": risk_bidding_pairs(jurisdiction=jurisdiction),
        "winners": risk_dominant_winners(jurisdiction=jurisdiction),
    }


# --- queues -----------------------------------------------------------------------------------

def objection_queue(*, jurisdiction: Region | None = None):
    return (Objection.objects.filter(project_q(jurisdiction, "award__project__"),
                                     status__in=[Objection.Status.FILED,
                                                 Objection.Status.ANSWERED])
            .select_related("award__project__purchaser", "award__agency", "agency")
            .order_by("created"))


def sanctions_to_confirm(*, jurisdiction: Region | None = None):
    return (Sanction.objects.filter(agency_q(jurisdiction, "agency__"),
                                    status=Sanction.Status.PROPOSED)
            .select_related("agency", "trigger_event").order_by("created"))


def tied_agencies(*, jurisdiction: Region | None = None):
    """Agencies that declared a tie to a government department, with their latest review."""
    latest = TieReview.objects.filter(agency=OuterRef("pk")).order_by("-created")
    return (Agency.objects.filter(agency_q(jurisdiction), gov_tie_declared=True)
            .annotate(review_note=Subquery(latest.values("note")[:1]),
                      reviewed_at=Subquery(latest.values("created")[:1]))
            .select_related("region").order_by("reviewed_at", "name"))


def inspections_all(*, jurisdiction: Region | None = None):
    """Every inspection, newest first (announced ones show their pool and commitment); within
    a jurisdiction, those drawn from it or from a region under it."""
    qs = Inspection.objects.all()
    if jurisdiction is not None:
        qs = qs.filter(within_region(jurisdiction, "region"))
    return (qs.select_related("item", "region")
            .annotate(n_findings=Count("findings"),
                      n_failed=Count("findings", filter=Q(
                          findings__result=InspectionFinding.Result.FAIL)))
            .order_by("-created"))


def inspection_detail(pk: int) -> Inspection | None:
    return (Inspection.objects.select_related("item", "region", "created_by")
            .prefetch_related("inspectors", "findings__agency").filter(pk=pk).first())


def inspectors_pool():
    return Inspector.objects.order_by("code")


__all__ = ["jurisdiction_of", "agency_q", "project_q", "overview_figures", "risk_summary",
           "risk_falling_scores", "risk_repeated_complaints",
           "risk_bidding_pairs", "risk_dominant_winners", "objection_queue",
           "sanctions_to_confirm", "tied_agencies", "inspections_all", "inspection_detail",
           "inspectors_pool"]
