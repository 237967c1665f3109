"""The public statistics of /data/ on a small known dataset (docs/architecture.md, "Open data"):
exact numbers, only public facts, a fixed number of queries, and each table's CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bidding.models import Award, Project
from opendata.selectors import stats
from tests.factories import awards as af
from tests.factories import bidding as bf
from tests.factories.core import region

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 15, 12, 0, tzinfo=TZ)


def _at(award: Award, published: dt.datetime, days: int) -> Award:
    Project.objects.filter(pk=award.project_id).update(published_at=published)
    Award.objects.filter(pk=award.pk).update(decided_at=published + dt.timedelta(days=days))
    return award


@pytest.fixture
def dataset():
    """Two awards in October 2026 and one open posting in November:
    - live bidding in Hubei, ceiling 100,000, awarded at 78,000 to one of 3 bidders, 2 days;
    - random draw in Beijing, amount 50,000 (no ceiling: no saving), 2 bidders, 4 days;
    - a live-bidding posting still open for sign-up, with 4 sign-ups (confidential: not
      counted anywhere), and a draft (not public)."""
    october = dt.datetime(2026, 10, 5, 10, 0, tzinfo=TZ)
    a = _at(af.made_award(price="78000.00", bidders=3), october, 2)
    b = _at(af.made_award(method=Project.Method.RANDOM_DRAW, price="50000.00", bidders=2,
                          region=region("110000")), october, 4)
    open_project = bf.project(published_at=dt.datetime(2026, 11, 3, 9, 0, tzinfo=TZ))
    for _i in range(4):
        bf.signup(project=open_project)
    bf.draft()
    return a, b, open_project


def test_key_figures_count_only_published_projects_and_awards_in_force(dataset):
    figures = stats.public_stats(now=NOW)
    assert figures["projects"] == 3
    assert figures["awards"] == 2
    assert figures["awarded_value"] == Decimal("128000.00")
    assert figures["saving"] == Decimal("22000.00")
    assert figures["saving_pct"] == Decimal("22.00")
    # (3 + 2) / 2: the open posting's four sign-ups are not counted
    assert figures["average_bidders"] == Decimal("2.50")


def test_monthly_table_puts_postings_and_awards_in_their_month(dataset):
    table = stats.monthly(now=NOW)
    assert [r[0] for r in table.rows][-2:] == ["2026-10", "2026-11"] and len(table.rows) == 12
    by_month = {r[0]: r for r in table.rows}
    assert by_month["2026-10"] == ["2026-10", 2, 2, Decimal("128000.00"), Decimal("22000.00"),
                                   Decimal("22.00")]
    assert by_month["2026-11"] == ["2026-11", 1, 0, Decimal("0"), Decimal("0"), None]
    assert table.chart["series"][0]["values"][-2:] == [2, 1]


def test_by_method_by_region_and_by_item(dataset):
    methods = {r[0]: r for r in stats.by_method().rows}
    assert methods[str(Project.Method.LIVE_BIDDING.label)] == [
        str(Project.Method.LIVE_BIDDING.label), 2, 1, Decimal("78000.00"), Decimal("22000.00"),
        Decimal("22.00"), Decimal("3.00")]
    assert methods[str(Project.Method.RANDOM_DRAW.label)] == [
        str(Project.Method.RANDOM_DRAW.label), 1, 1, Decimal("50000.00"), Decimal("0"), None,
        Decimal("2.00")]
    assert methods[str(Project.Method.DIRECT.label)][1:3] == [0, 0]
    regions = {r[0]: r[1:3] for r in stats.by_region().rows}
    assert regions == {"湖北省": [2, 1], "北京市": [1, 1]}
    items = stats.by_item().rows
    assert sum(r[1] for r in items) == 3 and sum(r[2] for r in items) == 2


def test_concentration_and_time_to_award(dataset):
    top5, top10 = stats.concentration().rows
    assert top5[1:] == [Decimal("100.00"), Decimal("100.00")]
    assert top10[1:] == [Decimal("100.00"), Decimal("100.00")]
    mean, median = stats.timing().rows
    assert mean[1:] == [Decimal("3.00"), 2] and median[1:] == [Decimal("3.00"), 2]


def test_concentration_shares_with_more_agencies_than_the_top():
    october = dt.datetime(2026, 10, 5, 10, 0, tzinfo=TZ)
    for price in ["10000.00"] * 5 + ["60000.00"]:
        _at(af.made_award(price=price, bidders=1), october, 1)
    top5, _top10 = stats.concentration().rows
    # 6 awards by 6 agencies: the top 5 won 5 of 6 awards, and 100,000 of 110,000 yuan
    assert top5[1:] == [Decimal("83.33"), Decimal("90.91")]


def test_public_stats_make_the_same_number_of_queries_whatever_the_data(dataset):
    with CaptureQueriesContext(connection) as few:
        stats.public_stats(now=NOW)
    october = dt.datetime(2026, 10, 5, 10, 0, tzinfo=TZ)
    for _i in range(4):
        _at(af.made_award(price="90000.00", bidders=2, region=region("310000")), october, 3)
    with CaptureQueriesContext(connection) as more:
        stats.public_stats(now=NOW)
    assert len(few.captured_queries) == len(more.captured_queries) <= 20


def test_each_statistic_downloads_as_csv_with_the_table_numbers(client, dataset):
    response = client.get("/data/stats/methods.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))
    assert rows[0][:3] == ["Selection method", "Projects published", "Awards"]
    live = next(r for r in rows if r[0] == "Live bidding")
    assert live == ["Live bidding", "2", "1", "78000.00", "22000.00", "22.00", "3.00"]
    for name in stats.NAMES:
        assert client.get(f"/data/stats/{name}.csv").status_code == 200
    assert client.get("/data/stats/nothing.csv").status_code == 404
