"""The credit scoring model (信用评价模型), version ``RULE_VERSION``. Pure functions, no database.

The model, also rendered on the public page ``/credit/model/``:

1. **Base score.** Every agency starts at ``CREDIT_BASE_SCORE`` (default 80 → 3 stars, grade B).
2. **Source weight.** Each event counts with the weight of its source, purchaser : industry
   department : operator (regulator) = ``CREDIT_SOURCE_WEIGHTS`` (default 5:3:2, as in Yuyao's
   rules), normalised so the heaviest source counts 1.0 (purchaser 1.0, department 0.6,
   operator 0.4).
3. **Age decay.** An event ``a`` days old (whole days between its local date and the scoring
   date ``as_of``) counts ``0.5 ** (a / CREDIT_HALF_LIFE_DAYS)`` (default half-life 730 days):
   old events weigh less but never vanish. Because it is computed relative to ``as_of``, the
   same ledger scored on the same date always gives the same number.
4. **Smoothed star average.** Ratings enter as a Bayesian average: the prior mean
   ``CREDIT_PRIOR_MEAN`` (3.5 stars) counts as ``CREDIT_PRIOR_WEIGHT`` (8) ratings, so one or two
   ratings cannot swing a new agency. The rating part of the score is
   ``CREDIT_POINTS_PER_STAR × (smoothed average − prior mean)`` (default 12 points per star,
   so between −30 and +18).
5. **Other events** add their points × source weight × decay: delivery on time +1, late −3,
   refusal to sign −10, missed signing −8, objection upheld −5, complaint upheld −8, inspection
   passed +2, failed −10, regulator finding −10 (or as decided), fraud in registration −40,
   refusing management −15, credit repair as decided by the regulator.
6. The total is clamped to [0, 100], rounded to 2 decimals and mapped to stars and a grade:
   stars 5 ≥ 92, 4 ≥ 85, 3 ≥ 70, 2 ≥ 60, otherwise 1; grade A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60,
   otherwise E.

Every sum uses ``math.fsum`` (exactly rounded, so independent of the order of events) and the
ledger enters as integer hundredths grouped by (kind, source, day) (``group_rows``): the
incremental update after one event and a full recompute read the same rows, group them with the
same function and score them with the same ``Scorer.score``, so they give the same number to the
last digit.

**Purchasers** (two-sided accountability) are scored by the same ``Scorer`` with
``purchaser_params``: the same base, decay and smoothed star average, their own points
(``PURCHASER_POINTS``: contract left unconfirmed past the deadline −8, award declined without an
accepted cause −10) and two sources of equal weight, the agencies' ratings and the platform's
own records (``PURCHASER_WEIGHTS``).
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings

RULE_VERSION = "2026.1"

RATING = "rating"

DEFAULT_POINTS: dict[str, Decimal] = {
    "rating": Decimal("0"),
    "delivery_on_time": Decimal("1"),
    "delivery_late": Decimal("-3"),
    "contract_refused": Decimal("-10"),
    "contract_missed": Decimal("-8"),
    "objection_upheld": Decimal("-5"),
    "complaint_upheld": Decimal("-8"),
    "regulator_finding": Decimal("-10"),
    "inspection_pass": Decimal("2"),
    "inspection_fail": Decimal("-10"),
    "registration_fraud": Decimal("-40"),
    "refused_management": Decimal("-15"),
    "repair": Decimal("5"),
}
"""Points of each event kind under this rule version (before source weight and decay)."""

PURCHASER_POINTS: dict[str, Decimal] = {
    "rating": Decimal("0"),
    "contract_missed": Decimal("-8"),
    "award_declined": Decimal("-10"),
}
"""Points of each purchaser event kind under this rule version."""

PURCHASER_WEIGHTS: tuple[tuple[str, float], ...] = (("agency", 1.0), ("operator", 1.0))
"""A purchaser's sources: the agencies' ratings and the platform's records, equal weight."""

STAR_THRESHOLDS: tuple[tuple[float, int], ...] = ((92, 5), (85, 4), (70, 3), (60, 2))
GRADE_THRESHOLDS: tuple[tuple[float, str], ...] = ((90, "A"), (80, "B"), (70, "C"), (60, "D"))
GRADES = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class Params:
    base: float = 80.0
    weights: tuple[tuple[str, float], ...] = (
        ("purchaser", 5.0), ("industry_department", 3.0), ("operator", 2.0))
    half_life_days: float = 730.0
    prior_mean: float = 3.5
    prior_weight: float = 8.0
    points_per_star: float = 12.0

    def factor(self, source: str) -> float:
        """The source weight normalised so the heaviest source counts 1.0."""
        table = dict(self.weights)
        top = max(table.values()) or 1.0
        return table.get(source, 0.0) / top


def parse_weights(text: str) -> tuple[tuple[str, float], ...]:
    """``"5:3:2"`` → purchaser 5, industry department 3, operator 2."""
    parts = [float(p) for p in str(text).split(":")]
    if len(parts) != 3 or any(p < 0 for p in parts) or not any(parts):
        raise ValueError("CREDIT_SOURCE_WEIGHTS must be three non-negative numbers like 5:3:2")
    return tuple(zip(("purchaser", "industry_department", "operator"), parts))


def params_from_settings() -> Params:
    """The model's parameters in force: ``settings.MARKETPLACE``, where each default lives."""
    conf = settings.MARKETPLACE
    return Params(
        base=float(conf["CREDIT_BASE_SCORE"]),
        weights=parse_weights(conf["CREDIT_SOURCE_WEIGHTS"]),
        half_life_days=float(conf["CREDIT_HALF_LIFE_DAYS"]),
        prior_mean=float(conf["CREDIT_PRIOR_MEAN"]),
        prior_weight=float(conf["CREDIT_PRIOR_WEIGHT"]),
        points_per_star=float(conf["CREDIT_POINTS_PER_STAR"]),
    )


def purchaser_params(params: Params) -> Params:
    """The purchasers' model: ``params`` (base, decay, star prior) with their own sources."""
    return replace(params, weights=PURCHASER_WEIGHTS)


class Group(NamedTuple):
    """Events of one agency with the same kind, source and local day, summed.

    ``points_centi``/``stars_centi`` are sums of points and stars in hundredths (integers, so
    they add exactly). A named tuple: the full recompute builds about one per event."""

    kind: str
    source: str
    day: dt.date
    points_centi: int
    stars_centi: int
    count: int


@dataclass(frozen=True)
class Result:
    score: Decimal
    stars: int
    grade: str
    smoothed_average: float
    rating_weight: float
    rating_points: float
    other_points: float


def decay(day: dt.date, as_of: dt.date, half_life_days: float) -> float:
    age = max(0, (as_of - day).days)
    return 0.5 ** (age / half_life_days)


def stars_for(score: float | Decimal) -> int:
    value = float(score)
    for threshold, stars in STAR_THRESHOLDS:
        if value >= threshold:
            return stars
    return 1


def grade_for(score: float | Decimal) -> str:
    value = float(score)
    for threshold, grade in GRADE_THRESHOLDS:
        if value >= threshold:
            return grade
    return "E"


def grade_rank(grade: str) -> int:
    """0 for A … 4 for E (a larger rank is a worse grade)."""
    return GRADES.index(grade) if grade in GRADES else len(GRADES) - 1


def to_score(value: float) -> Decimal:
    clamped = min(100.0, max(0.0, value))
    return Decimal(repr(clamped)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Scorer:
    """Scores ledgers as of one date with one set of parameters.

    The only implementation of the model: the incremental update after an event (one agency)
    and the full recompute (every agency) both call ``Scorer.score``. Source weight × decay is
    computed once per (source, day) and reused, the same float every time."""

    def __init__(self, *, as_of: dt.date, params: Params | None = None):
        self.as_of = as_of
        self.params = params or Params()
        self._factors = {source: self.params.factor(source) for source, _w in
                         self.params.weights}
        self._weights: dict[tuple[str, dt.date], float] = {}

    def weight(self, source: str, day: dt.date) -> float:
        """Source weight × age decay of an event of ``source`` on ``day``."""
        key = (source, day)
        w = self._weights.get(key)
        if w is None:
            factor = self._factors.get(source)
            if factor is None:
                factor = self.params.factor(source)
            w = self._weights[key] = factor * decay(day, self.as_of, self.params.half_life_days)
        return w

    def score(self, groups: Iterable[Group]) -> Result:
        """Score one agency's ledger (non-voided events, grouped)."""
        p = self.params
        weights, weight_of = self._weights, self.weight
        prior_mean = p.prior_mean
        rating_num: list[float] = []
        rating_den: list[float] = []
        others: list[float] = []
        for kind, source, day, points_centi, stars_centi, count in groups:
            w = weights.get((source, day))
            if w is None:
                w = weight_of(source, day)
            if kind == RATING:
                rating_num.append(w * (stars_centi / 100.0 - prior_mean * count))
                rating_den.append(w * count)
            else:
                others.append(w * (points_centi / 100.0))
        weight = math.fsum(rating_den)
        denominator = p.prior_weight + weight
        deviation = math.fsum(rating_num) / denominator if denominator > 0 else 0.0
        rating_points = p.points_per_star * deviation
        other_points = math.fsum(others)
        total = math.fsum([p.base, rating_points, other_points])
        value = to_score(total)
        return Result(
            score=value, stars=stars_for(value), grade=grade_for(value),
            smoothed_average=prior_mean + deviation, rating_weight=weight,
            rating_points=rating_points, other_points=other_points,
        )


def score(groups: Iterable[Group], *, as_of: dt.date, params: Params | None = None) -> Result:
    """Score one agency's ledger (non-voided events, grouped) as of ``as_of``."""
    return Scorer(as_of=as_of, params=params).score(groups)


def contribution(*, kind: str, source: str, day: dt.date, points: Decimal | float,
                 stars: Decimal | float | None, as_of: dt.date, rating_weight: float,
                 params: Params | None = None) -> float:
    """What one event adds to the score as of ``as_of`` (for the explanation page).

    A rating adds ``points_per_star × w × (stars − prior mean) / (prior weight + W)`` where
    ``W`` is the total rating weight (``Result.rating_weight``); the ratings' contributions sum
    to the rating part of the score exactly. Other events add ``points × w``."""
    p = params or Params()
    w = p.factor(source) * decay(day, as_of, p.half_life_days)
    if kind == RATING:
        if stars is None:
            return 0.0
        return p.points_per_star * w * (float(stars) - p.prior_mean) / (p.prior_weight
                                                                         + rating_weight)
    return float(points) * w


def group_rows(rows: Iterable[tuple]) -> dict[int, list[Group]]:
    """Group ledger rows ``(agency_id, kind, source, day, points_centi, stars_centi)`` (one per
    non-voided event) by agency, then by (kind, source, day). The one grouping of the model:
    ``credit.selectors.ledger`` feeds it the database rows for one agency or for a range of them."""
    acc: dict[tuple, list[int]] = {}
    get = acc.get
    for agency_id, kind, source, day, points, stars in rows:
        key = (agency_id, kind, source, day)
        row = get(key)
        if row is None:
            acc[key] = [points, stars, 1]
        else:
            row[0] += points
            row[1] += stars
            row[2] += 1
    out: dict[int, list[Group]] = {}
    for (agency_id, kind, source, day), (points, stars, count) in acc.items():
        group = Group(kind, source, day, points, stars, count)
        bucket = out.get(agency_id)
        if bucket is None:
            out[agency_id] = [group]
        else:
            bucket.append(group)
    return out


def centi(value: Decimal | float | str | None) -> int:
    """A number in integer hundredths, rounded half up (as the ledger query does)."""
    return int((Decimal(str(value or 0)) * 100).to_integral_value(ROUND_HALF_UP))


def groups_from_events(events: Iterable[dict]) -> list[Group]:
    """Group plain event dicts (kind, source, day, points, stars) of one agency as the ledger
    query does (used by tests and the bench to cross-check it)."""
    rows = ((0, e["kind"], e["source"], e["day"], centi(e.get("points")), centi(e.get("stars")))
            for e in events)
    return group_rows(rows).get(0, [])


@dataclass
class ModelDescription:
    """What the public model page shows."""

    version: str = RULE_VERSION
    params: Params = field(default_factory=Params)
    points: dict = field(default_factory=lambda: dict(DEFAULT_POINTS))
    star_thresholds: tuple = STAR_THRESHOLDS
    grade_thresholds: tuple = GRADE_THRESHOLDS
