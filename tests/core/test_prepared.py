"""``core.prepared.Prepared``: compiled once, re-run with each call's values, rows converted
as the ORM converts them (on SQLite too: booleans, decimals, datetimes)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bidding.models import Bid, Project
from core.prepared import Prepared
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db


def _build(*, project, after):
    later = Bid.objects.filter(project_id=OuterRef("project_id"), placed_at__gt=after)
    return (Bid.objects.filter(project_id=project).annotate(later=Exists(later))
            .order_by("seq").values_list("seq", "value", "placed_at", "later"))


BIDS = Prepared(Bid, _build, ints=("project",), datetimes=("after",))


def test_rows_match_the_orm_for_each_calls_values():
    project, (a, b) = bf.live_auction(bidders=2)
    now = timezone.now()
    for seq, (signup, value) in enumerate([(a, "90000.50"), (b, "89000.00")], start=1):
        Bid.objects.create(project=project, signup=signup, seq=seq, value=Decimal(value),
                           placed_at=now + dt.timedelta(seconds=seq))
    other, _ = bf.live_auction(bidders=1)
    for after in (now, now + dt.timedelta(seconds=5)):
        for pk in (project.pk, other.pk):
            rows = BIDS.rows(project=pk, after=after)
            assert rows == list(_build(project=pk, after=after))
    rows = BIDS.rows(project=project.pk, after=now)
    assert [type(v) for v in rows[0]] == [int, Decimal, dt.datetime, bool]
    assert rows[0][1] == Decimal("90000.50") and rows[0][3] is True


def test_a_stand_in_the_query_does_not_use_is_an_error():
    unused = Prepared(Project, lambda *, project, other: Project.objects.filter(pk=project)
                      .values_list("pk"), ints=("project", "other"))
    with pytest.raises(ValueError, match="other"):
        unused.rows(project=1, other=2)


def test_one_statement_per_call():
    project, _signups = bf.live_auction(bidders=1)
    BIDS.rows(project=project.pk, after=timezone.now())
    with CaptureQueriesContext(connection) as ctx:
        BIDS.rows(project=project.pk, after=timezone.now())
    assert len(ctx) == 1
