"""``core.prepared.Prepared``: compiled once, re-run with each call's values, rows converted
as the ORM converts them (on SQLite too: booleans, decimals, datetimes)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bidding.models import Bid, Project
from core.prepared import Prepared
from tests.conftest import requires_postgres
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


# --- PostgreSQL: the statement is prepared on the server once per session -------------------

def _modulo(*, project):
    # ``%`` in the compiled SQL (the modulo operator) is written ``%%``, a literal in the
    # compiled parameters (the 2) is written into the prepared statement.
    return (Bid.objects.filter(project_id=project).annotate(odd=F("seq") % 2)
            .filter(odd=1).order_by("seq").values_list("seq", "odd"))


ODD = Prepared(Bid, _modulo, ints=("project",))


def _bids(project, n):
    signup = project.signups.first()
    now = timezone.now()
    for seq in range(1, n + 1):
        Bid.objects.create(project=project, signup=signup, seq=seq, value=Decimal(1000 - seq),
                           placed_at=now)


@requires_postgres
@pytest.mark.django_db(transaction=True)   # it closes the connection
def test_on_postgresql_the_first_call_prepares_and_every_call_executes_the_statement():
    project, _signups = bf.live_auction(bidders=1)
    _bids(project, 5)
    connection.close()   # a fresh session
    with CaptureQueriesContext(connection) as first:
        assert ODD.rows(project=project.pk) == [(1, 1), (3, 1), (5, 1)]
    with CaptureQueriesContext(connection) as again:
        assert ODD.rows(project=project.pk) == [(1, 1), (3, 1), (5, 1)]
    assert [q["sql"].split()[0] for q in first] == ["PREPARE", "EXECUTE"]
    assert [q["sql"].split()[0] for q in again] == ["EXECUTE"]
    assert f"({project.pk})" in again[0]["sql"]   # the value is the statement's parameter
    assert list(_modulo(project=project.pk)) == ODD.rows(project=project.pk)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_it_again_and_a_rollback_keeps_it():
    project, _signups = bf.live_auction(bidders=1)
    _bids(project, 2)
    ODD.rows(project=project.pk)
    connection.close()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            assert ODD.rows(project=project.pk) == [(1, 1)]
        transaction.set_rollback(True)
    assert ctx[0]["sql"].startswith("PREPARE")
    with CaptureQueriesContext(connection) as ctx:
        assert ODD.rows(project=project.pk) == [(1, 1)]
    assert [q["sql"].split()[0] for q in ctx] == ["EXECUTE"]


@requires_postgres
def test_behind_a_transaction_pooler_the_plain_statement_runs(settings):
    project, _signups = bf.live_auction(bidders=1)
    _bids(project, 3)
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as ctx:
            assert ODD.rows(project=project.pk) == [(1, 1), (3, 1)]
    finally:
        del connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]
    assert [q["sql"].split()[0] for q in ctx] == ["SELECT"]


@requires_postgres
def test_the_bid_read_is_executed_prepared():
    from bidding.services.auctions import bid_place

    project, signups = bf.live_auction(bidders=2)
    users = [s.agency.organisation.members.first().user for s in signups]
    bid_place(actor=users[0], project=project, value=str(project.ceiling - project.step))
    with CaptureQueriesContext(connection) as ctx:
        bid_place(actor=users[1], project=project, value=str(project.ceiling - 2 * project.step))
    assert sum(q["sql"].startswith("EXECUTE mp_") for q in ctx) == 1
    assert not any(q["sql"].startswith("PREPARE") for q in ctx)


# --- insert_rows: bulk_create's rows, with a statement before them in the same round trip ------

def test_insert_rows_writes_what_bulk_create_writes_and_runs_the_statement_before():
    from core.prepared import insert_rows

    project, (signup,) = bf.live_auction(bidders=1)
    now = timezone.now()
    mine = [Bid(project=project, signup=signup, seq=i, value=Decimal(f"{900 - i}.50"),
                placed_at=now) for i in (1, 2)]
    theirs = [Bid(project=project, signup=signup, seq=i, value=Decimal(f"{900 - i}.50"),
                  placed_at=now) for i in (3, 4)]
    table = connection.ops.quote_name(Project._meta.db_table)
    with CaptureQueriesContext(connection) as ctx:
        insert_rows(mine, before=(f"UPDATE {table} SET last_seq = %s WHERE id = %s",
                                  [2, project.pk]))
    Bid.objects.bulk_create(theirs)
    assert len(ctx) == (1 if connection.vendor == "postgresql" else 2)
    assert all(b.pk and not b._state.adding for b in mine)
    stored = {b.seq: b for b in Bid.objects.filter(project=project)}

    def row(bid):
        return {f.attname: getattr(bid, f.attname) for f in Bid._meta.concrete_fields
                if f.attname not in ("id", "seq", "value")}

    assert row(stored[1]) == row(stored[3]) and stored[2].value == Decimal("898.50")
    assert [stored[b.seq].pk for b in mine] == [b.pk for b in mine]
    assert Project.objects.get(pk=project.pk).last_seq == 2
