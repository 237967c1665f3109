"""``sanction_blocks`` (the fact a bid reads with its sign-up) agrees with
``sanction_block_reason`` (THE rule, which words the reason) for every kind of sanction, in
force or not, at the same instant; and a bid refused by it carries the rule's reason."""
import datetime as dt

import pytest
from django.db.models import OuterRef
from django.utils import timezone

from agencies.models import Agency
from bidding.services.auctions import bid_place
from core.errors import NotAllowed
from credit.models import Sanction
from credit.selectors.ledger import sanction_block_reason, sanction_blocks
from tests.factories import bidding as bf
from tests.factories.agencies import agency as make_agency

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)
K, S = Sanction.Kind, Sanction.Status

CASES = [  # (kind, status, starts_at, ends_at, blacklist_until), blocking?
    (None, False),
    ((K.WARNING, S.ACTIVE, None, None, None), False),
    ((K.SUSPENSION, S.ACTIVE, None, None, None), True),
    ((K.SUSPENSION, S.ACTIVE, NOW - DAY, NOW + DAY, None), True),
    ((K.SUSPENSION, S.ACTIVE, NOW - 2 * DAY, NOW - DAY, None), False),
    ((K.SUSPENSION, S.ACTIVE, NOW + DAY, NOW + 2 * DAY, None), False),
    ((K.SUSPENSION, S.PROPOSED, None, NOW + DAY, None), False),
    ((K.SUSPENSION, S.LIFTED, None, NOW + DAY, None), False),
    ((K.EXPULSION, S.ACTIVE, NOW - DAY, None, None), True),
    ((K.EXPULSION, S.ACTIVE, NOW - DAY, None, NOW + DAY), True),
    ((K.EXPULSION, S.ACTIVE, NOW - 2 * DAY, None, NOW - DAY), False),
    ((K.EXPULSION, S.REVOKED, None, None, None), False),
]


def _fact(agency, now):
    return (Agency.objects.filter(pk=agency.pk)
            .annotate(blocked=sanction_blocks(OuterRef("pk"), now))
            .values_list("blocked", flat=True).get())


@pytest.mark.parametrize(("sanction", "blocking"), CASES)
def test_the_fact_agrees_with_the_rule(sanction, blocking):
    agency = make_agency()
    if sanction:
        kind, status, starts, ends, until = sanction
        Sanction.objects.create(agency=agency, kind=kind, status=status, trigger="regulator",
                                reason="理由", starts_at=starts, ends_at=ends,
                                blacklist_until=until)
    assert _fact(agency, NOW) is blocking
    assert (sanction_block_reason(agency, NOW) is not None) is blocking


def test_a_bid_refused_by_a_sanction_gets_the_rules_reason():
    project, (a, b) = bf.live_auction(bidders=2)
    bid_place(actor=a.agency.organisation.members.first().user, project=project, value="90000")
    Sanction.objects.create(agency=b.agency, kind=K.SUSPENSION, status=S.ACTIVE,
                            trigger="regulator", reason="串通报价", ends_at=NOW + 30 * DAY)
    with pytest.raises(NotAllowed) as refused:
        bid_place(actor=b.agency.organisation.members.first().user, project=project,
                  value="80000")
    assert str(refused.value) == sanction_block_reason(b.agency)
