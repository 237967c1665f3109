"""The scoring model: pure properties (hypothesis) and its agreement with the stored score."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit import scoring
from credit.selectors.ledger import agency_score
from credit.services.recompute import credit_recompute
from tests.factories.agencies import agency as make_agency
from tests.factories.credit import event

AS_OF = dt.date(2026, 11, 23)
KINDS = [k for k in scoring.DEFAULT_POINTS]
SOURCES = ["purchaser", "industry_department", "operator"]

star_values = st.integers(min_value=100, max_value=500).map(lambda c: Decimal(c) / 100)
events = st.lists(
    st.fixed_dictionaries({
        "kind": st.sampled_from(KINDS),
        "source": st.sampled_from(SOURCES),
        "day": st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2027, 1, 1)),
        "points": st.integers(min_value=-10000, max_value=10000).map(lambda c: Decimal(c) / 100),
        "stars": star_values,
    }),
    max_size=40,
)


def _score(evts, as_of=AS_OF):
    return scoring.score(scoring.groups_from_events(evts), as_of=as_of)


@given(events)
def test_score_is_bounded_and_maps_to_stars_and_grade(evts):
    result = _score(evts)
    assert Decimal(0) <= result.score <= Decimal(100)
    assert 1 <= result.stars <= 5
    assert result.grade in scoring.GRADES
    assert result.stars == scoring.stars_for(result.score)
    assert result.grade == scoring.grade_for(result.score)


@given(events, st.randoms(use_true_random=False))
def test_order_of_events_does_not_change_the_score(evts, rnd):
    shuffled = list(evts)
    rnd.shuffle(shuffled)
    assert _score(evts) == _score(shuffled)


@given(events, st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2027, 1, 1)),
       star_values, star_values)
def test_a_better_rating_never_lowers_the_score(evts, day, low, high):
    low, high = min(low, high), max(low, high)
    base = [e for e in evts]
    worse = _score(base + [{"kind": "rating", "source": "purchaser", "day": day, "stars": low}])
    better = _score(base + [{"kind": "rating", "source": "purchaser", "day": day, "stars": high}])
    assert better.score >= worse.score


@given(events, st.sampled_from(SOURCES), st.dates(min_value=dt.date(2015, 1, 1),
                                                  max_value=dt.date(2026, 11, 23)))
def test_an_added_violation_never_raises_the_score(evts, source, day):
    before = _score(evts)
    after = _score(evts + [{"kind": "complaint_upheld", "source": source, "day": day,
                            "points": Decimal(-8)}])
    assert after.score <= before.score


def test_one_or_two_ratings_cannot_swing_a_new_agency():
    def ratings(stars, n):
        return _score([{"kind": "rating", "source": "purchaser", "day": AS_OF,
                        "stars": stars}] * n)

    assert ratings(1, 1).score == Decimal("76.67")  # 80 + 12 * (1 - 3.5) / (8 + 1)
    assert ratings(1, 2).score == Decimal("74.00")
    assert ratings(5, 2).score == Decimal("83.60")
    assert {ratings(s, n).stars for s in (1, 5) for n in (1, 2)} == {3}
    assert ratings(5, 30).stars == 5 and ratings(1, 30).stars == 1  # many ratings do count


def test_older_events_weigh_less_half_life_halves_the_weight():
    params = scoring.Params()
    fresh = _score([{"kind": "contract_refused", "source": "purchaser", "day": AS_OF,
                     "points": Decimal(-10)}])
    old = _score([{"kind": "contract_refused", "source": "purchaser",
                   "day": AS_OF - dt.timedelta(days=int(params.half_life_days)),
                   "points": Decimal(-10)}])
    assert fresh.score == Decimal("70.00")
    assert old.score == Decimal("75.00")


def test_source_weights_are_5_3_2_by_default():
    p = scoring.Params()
    assert (p.factor("purchaser"), p.factor("industry_department"), p.factor("operator")) == (
        1.0, 0.6, 0.4)
    op = _score([{"kind": "regulator_finding", "source": "operator", "day": AS_OF,
                  "points": Decimal(-10)}])
    assert op.score == Decimal("76.00")


def test_source_weights_are_configurable(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "CREDIT_SOURCE_WEIGHTS": "1:1:1"}
    assert scoring.params_from_settings().factor("operator") == 1.0
    with pytest.raises(ValueError):
        scoring.parse_weights("5:3")


def test_contributions_of_events_add_up_to_the_score():
    evts = [{"kind": "rating", "source": "purchaser", "day": AS_OF - dt.timedelta(days=d),
             "stars": Decimal(s)} for d, s in ((1, 5), (100, 4), (400, 2))]
    evts.append({"kind": "delivery_late", "source": "purchaser", "day": AS_OF,
                 "points": Decimal(-3)})
    result = _score(evts)
    total = sum(scoring.contribution(kind=e["kind"], source=e["source"], day=e["day"],
                                     points=e.get("points", 0), stars=e.get("stars"),
                                     as_of=AS_OF, rating_weight=result.rating_weight)
                for e in evts)
    assert abs(80 + total - float(result.score)) < 0.006


@pytest.mark.django_db
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["rating", "delivery_on_time", "delivery_late",
                                          "objection_upheld", "inspection_pass", "repair"]),
                          st.sampled_from(SOURCES), star_values,
                          st.integers(min_value=0, max_value=900)), max_size=8))
def test_recompute_equals_incremental_score(django_db_blocker, evts):
    agency = make_agency()
    now = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc)
    for kind, source, stars, days in evts:
        event(agency, kind, source=source, stars=stars if kind == "rating" else None,
              points=stars if kind == "repair" else None,
              occurred_at=now - dt.timedelta(days=days))
    agency.refresh_from_db()
    incremental = (agency.credit_score, agency.credit_stars, agency.credit_grade)
    as_of = dt.date.today()
    credit_recompute(as_of=as_of)
    agency.refresh_from_db()
    assert (agency.credit_score, agency.credit_stars, agency.credit_grade) == incremental
    assert agency_score(agency.pk, as_of=as_of).score == incremental[0]


def _reference_score(groups, as_of, p=scoring.Params()):
    """The model written out plainly, one group at a time (no shared weights)."""
    import math

    num, den, others = [], [], []
    for g in groups:
        w = p.factor(g.source) * scoring.decay(g.day, as_of, p.half_life_days)
        if g.kind == scoring.RATING:
            num.append(w * (g.stars_centi / 100.0 - p.prior_mean * g.count))
            den.append(w * g.count)
        else:
            others.append(w * (g.points_centi / 100.0))
    deviation = math.fsum(num) / (p.prior_weight + math.fsum(den))
    return scoring.to_score(math.fsum([p.base, p.points_per_star * deviation,
                                       math.fsum(others)]))


@given(st.lists(events, min_size=1, max_size=6))
def test_one_scorer_shared_by_many_ledgers_scores_each_as_the_plain_model(ledgers):
    shared = scoring.Scorer(as_of=AS_OF)
    for evts in ledgers:
        groups = scoring.groups_from_events(evts)
        assert shared.score(groups).score == _reference_score(groups, AS_OF)
        assert shared.score(groups) == scoring.score(groups, as_of=AS_OF)


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=4), st.sampled_from(KINDS),
                          st.sampled_from(SOURCES),
                          st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 1, 5)),
                          st.integers(min_value=-500, max_value=500),
                          st.integers(min_value=0, max_value=500)), max_size=40))
def test_group_rows_sums_each_agency_kind_source_and_day_exactly(rows):
    grouped = scoring.group_rows(rows)
    assert sum(g.count for gs in grouped.values() for g in gs) == len(rows)
    for agency_id, groups in grouped.items():
        mine = [r for r in rows if r[0] == agency_id]
        assert len({(g.kind, g.source, g.day) for g in groups}) == len(groups)
        for g in groups:
            same = [r for r in mine if (r[1], r[2], r[3]) == (g.kind, g.source, g.day)]
            assert (g.points_centi, g.stars_centi, g.count) == (
                sum(r[4] for r in same), sum(r[5] for r in same), len(same))
