"""The regulator's risk list: bidding pairs, a dominant winner, falling scores, complaints."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from bidding.models import Award, Project
from credit.models import CreditEvent
from supervision.selectors.workspace import (
    overview_figures,
    risk_bidding_pairs,
    risk_dominant_winners,
    risk_falling_scores,
    risk_repeated_complaints,
)
from tests.factories import bidding as bf
from tests.factories import credit as cf
from tests.factories.agencies import agency
from tests.factories.awards import made_award

pytestmark = pytest.mark.django_db


def test_agencies_signing_up_together_in_n_projects_are_flagged_as_a_pair(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RISK_PAIR_MIN_PROJECTS": 3}
    a, b, c = agency(name="甲咨询有限公司"), agency(name="乙咨询有限公司"), agency(name="丙咨询有限公司")
    for _ in range(3):
        p = bf.project()
        bf.signup(project=p, agency=a)
        bf.signup(project=p, agency=b)
    for _ in range(2):
        p = bf.project()
        bf.signup(project=p, agency=a)
        bf.signup(project=p, agency=c)
    pairs = risk_bidding_pairs()
    assert [(p.first, p.second, p.together) for p in pairs] == [(a, b, 3)]
    assert pairs[0].share == 100          # b signed up only alongside a


def test_cancelled_sign_ups_do_not_make_a_pair(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RISK_PAIR_MIN_PROJECTS": 2}
    a, b = agency(), agency()
    for _ in range(2):
        p = bf.project()
        bf.signup(project=p, agency=a)
        bf.signup(project=p, agency=b).__class__.objects.filter(
            project=p, agency=b).update(status="cancelled")
    assert risk_bidding_pairs() == []


def test_one_agency_winning_most_of_one_purchasers_projects_is_flagged(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RISK_WINNER_MIN_AWARDS": 3,
                            "RISK_WINNER_SHARE": 0.6}
    owner = bf.purchaser(name="某市城投集团有限公司")
    favourite = agency(name="常胜咨询有限公司")
    awards = [made_award(owner=owner) for _ in range(4)]
    Award.objects.filter(pk__in=[w.pk for w in awards[:3]]).update(agency=favourite)
    # another purchaser whose awards are spread: not flagged
    other = bf.purchaser()
    for _ in range(3):
        made_award(owner=other)
    flagged = risk_dominant_winners()
    assert len(flagged) == 1
    d = flagged[0]
    assert (d.purchaser, d.agency, d.wins, d.awards, d.share) == (
        owner.member.organisation, favourite, 3, 4, 75)


def test_superseded_or_withdrawn_awards_do_not_count_towards_a_dominant_winner(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RISK_WINNER_MIN_AWARDS": 3,
                            "RISK_WINNER_SHARE": 0.6}
    owner = bf.purchaser()
    favourite = agency()
    awards = [made_award(owner=owner) for _ in range(3)]
    Award.objects.filter(pk__in=[w.pk for w in awards]).update(agency=favourite)
    Award.objects.filter(pk=awards[0].pk).update(status=Award.Status.WITHDRAWN)
    assert risk_dominant_winners() == []


def test_falling_scores_compare_with_the_score_ninety_days_ago(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RISK_SCORE_DROP": 5}
    old = timezone.now() - dt.timedelta(days=120)
    falling, steady = agency(name="下滑咨询有限公司"), agency(name="稳定咨询有限公司")
    for a in (falling, steady):
        cf.event(a, CreditEvent.Kind.DELIVERY_ON_TIME, occurred_at=old)
    cf.event(falling, CreditEvent.Kind.INSPECTION_FAIL, source="industry_department")
    cf.event(falling, CreditEvent.Kind.CONTRACT_REFUSED, source="purchaser")
    cf.event(steady, CreditEvent.Kind.DELIVERY_ON_TIME)
    flagged = risk_falling_scores()
    assert [f.agency for f in flagged] == [falling]
    assert flagged[0].drop >= Decimal("5")


def test_repeated_upheld_complaints_within_twelve_months_are_flagged(settings):
    settings.MARKETPLACE = {**settings.MARKETPLACE, "RISK_COMPLAINTS_12M": 2}
    a, b = agency(), agency()
    cf.event(a, CreditEvent.Kind.COMPLAINT_UPHELD, source="operator")
    cf.event(a, CreditEvent.Kind.OBJECTION_UPHELD, source="operator")
    cf.event(b, CreditEvent.Kind.COMPLAINT_UPHELD, source="operator")
    cf.event(b, CreditEvent.Kind.COMPLAINT_UPHELD, source="operator",
             occurred_at=timezone.now() - dt.timedelta(days=400))
    assert risk_repeated_complaints() == [(a, 2)]


def test_overview_figures_count_bidders_and_savings_against_the_ceiling():
    award = made_award(price="80000.00", bidders=4)       # ceiling 100,000 → 20 % saved
    made_award(method=Project.Method.RANDOM_DRAW, price="50000.00", bidders=2)
    fig = overview_figures()
    assert fig["avg_bidders"] == 3.0
    assert fig["avg_saving_pct"] == 20.0 and fig["saving_sample"] == 1
    assert fig["saved_total"] == Decimal("20000.00")
    assert award.project.method in fig["projects"]["counts"]
    assert sum(n for _g, n in fig["grades"]) == fig["agency_count"]
    assert len(fig["months"]) == 12 and len(fig["ratings_monthly"]) == 12
