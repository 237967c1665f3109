"""The bid's one read (``bidding/services/auctions.py::bidder_signup``, compiled once through
``core/prepared.py``) returns what the ORM reads afresh: the sign-up, the agency fields
eligibility uses, every standing fact and the best bid, after each change between bids."""
import pytest
from django.utils import timezone

from agencies.models import Agency
from bidding.eligibility import read_standing_facts, standing_fact_names, standing_facts
from bidding.models import Avoidance, ProjectQualification
from bidding.services.auctions import bid_place, bidder_signup
from core.catalogue import StockRecord
from core.errors import NotAllowed
from credit.models import Sanction
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db


def _user(signup):
    return signup.agency.organisation.members.first().user


def _agrees(project, signup):
    project.refresh_from_db()
    now = timezone.now()
    got, facts, best = bidder_signup(actor=_user(signup), project=project, now=now)
    fresh = Agency.objects.get(pk=signup.agency_id)
    assert (got.pk, got.agency_id, got.label) == (signup.pk, signup.agency_id, signup.label)
    for field in ("partner_id", "standing", "gov_tie_declared", "gov_tie_department", "name"):
        assert getattr(got.agency, field) == getattr(fresh, field), field
    assert facts == read_standing_facts(fresh, project, for_bid=True, now=now)
    if project.best_bid_id is None:
        assert best is None
    else:
        assert (best.value, best.signup_id) == (project.best_bid.value,
                                                project.best_bid.signup_id)
    return facts


def test_the_bid_read_matches_a_fresh_orm_read_through_every_change():
    project, (a, b) = bf.live_auction(bidders=2)
    assert _agrees(project, b)["offers_item"] is True
    bid_place(actor=_user(a), project=project, value="90000.50")
    _agrees(project, b)
    Avoidance.objects.create(project=project, agency=b.agency, reason="关联关系")
    assert _agrees(project, b)["avoidance"] == "关联关系"
    ProjectQualification.objects.create(project=project, name="测绘资质", grade="乙级")
    assert _agrees(project, b)["requires_qualifications"] is True
    Sanction.objects.create(agency=b.agency, kind=Sanction.Kind.EXPULSION,
                            status=Sanction.Status.ACTIVE, trigger="regulator", reason="欺诈")
    assert _agrees(project, b)["blocked_credit_sanctions"] is True
    StockRecord.objects.filter(partner_id=b.agency.partner_id).delete()
    Agency.objects.filter(pk=b.agency_id).update(standing=Agency.Standing.SUSPENDED,
                                                 gov_tie_declared=True,
                                                 gov_tie_department="某局")
    assert _agrees(project, b)["offers_item"] is False


def test_the_facts_come_in_the_order_of_their_names():
    project, _signups = bf.live_auction(bidders=1)
    assert tuple(standing_facts(project, timezone.now())) == standing_fact_names()


def test_a_watcher_is_told_why_it_cannot_bid():
    project, _signups = bf.live_auction(bidders=1)
    with pytest.raises(NotAllowed) as refused:
        bidder_signup(actor=project.created_by, project=project, now=timezone.now())
    assert refused.value.code == "watcher"
