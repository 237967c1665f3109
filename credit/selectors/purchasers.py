"""Reads of the purchasers' credit (two-sided accountability): the score recomputed from a
purchaser's ledger (the one function the service and the pages share) and the public
explanation of its events. Reasons are public; who recorded an event is not shown."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.models import Organisation
from credit import scoring
from credit.models import PurchaserCredit, PurchaserCreditEvent


def purchaser_params() -> scoring.Params:
    """The purchasers' model parameters in force (``credit.scoring.purchaser_params``)."""
    return scoring.purchaser_params(scoring.params_from_settings())


def purchaser_groups(purchaser_id: int) -> list[scoring.Group]:
    """The purchaser's events grouped by (kind, source, local day), sums in hundredths."""
    rows = ((0, kind, source, timezone.localdate(at), scoring.centi(points),
             scoring.centi(stars))
            for kind, source, at, points, stars in PurchaserCreditEvent.objects.filter(
                purchaser_id=purchaser_id).order_by().values_list(
                "kind", "source", "occurred_at", "points", "stars"))
    return scoring.group_rows(rows).get(0, [])


def purchaser_score(purchaser_id: int, *, as_of: dt.date | None = None,
                    params: scoring.Params | None = None) -> scoring.Result:
    """Score one purchaser's ledger as of ``as_of`` with the same ``Scorer`` as the agencies."""
    scorer = scoring.Scorer(as_of=as_of or timezone.localdate(),
                            params=params or purchaser_params())
    return scorer.score(purchaser_groups(purchaser_id))


def purchaser_events(purchaser_id: int):
    return (PurchaserCreditEvent.objects.filter(purchaser_id=purchaser_id)
            .select_related("award__project").order_by("-occurred_at", "-id"))


@dataclass
class PurchaserCreditView:
    """What the public purchaser page and API show of a purchaser's credit."""

    score: object
    stars: int
    grade: str
    base: float
    rows: list  # [(event, contribution)], newest first


def purchaser_credit_view(purchaser: Organisation, *, as_of: dt.date | None = None
                          ) -> PurchaserCreditView:
    """The stored score (the base score before any event) with each event's contribution."""
    as_of = as_of or timezone.localdate()
    params = purchaser_params()
    stored = PurchaserCredit.objects.filter(purchaser=purchaser).first()
    events = list(purchaser_events(purchaser.pk))
    result = purchaser_score(purchaser.pk, as_of=as_of, params=params)
    rows = [(e, scoring.contribution(
        kind=e.kind, source=e.source, day=timezone.localdate(e.occurred_at), points=e.points,
        stars=e.stars, as_of=as_of, rating_weight=result.rating_weight, params=params))
        for e in events]
    if stored is None:
        base = scoring.to_score(params.base)
        return PurchaserCreditView(score=base, stars=scoring.stars_for(base),
                                   grade=scoring.grade_for(base), base=params.base, rows=rows)
    return PurchaserCreditView(score=stored.score, stars=stored.stars, grade=stored.grade,
                               base=params.base, rows=rows)
