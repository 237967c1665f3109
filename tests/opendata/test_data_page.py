"""The public /data/ page (docs/architecture.md, "Open data"): in Chinese first and in English,
the licence, the publication policy, the API, the files with size and date, the statistics
with their tables and CSV links; linked from every page's footer."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext

from opendata import exports
from tests.factories import awards as af

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "opendata"
    return settings.OPEN_DATA_ROOT


def test_the_page_in_chinese_explains_the_data_licence_policy_and_api(client, root):
    af.made_award(price="78000.00")
    html = client.get("/data/").content.decode()
    assert '<html lang="zh-hans"' in html
    assert "<h1>开放数据</h1>" in html
    assert 'id="policy"' in html and "公开政策" in html
    assert "报名截止前的报名和报价" in html  # what is never published
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
    assert "/api/v1/ocds/releases/" in html and "/api/v1/ocds/records/&lt;ocid&gt;/" in html
    assert 'href="/data/sanctions.json"' in html
    assert "暂无文件" in html  # nothing exported yet
    for name in ("monthly", "items", "regions", "methods", "concentration", "timing"):
        assert f'href="/data/stats/{name}.csv"' in html
        assert f'data-source="chart-{name}"' in html and f'id="chart-{name}"' in html
    assert "78000.00" in html and "22000.00" in html and "22.00%" in html


def test_the_page_in_english(client, root):
    html = client.get("/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Open data</h1>" in html and "Publication policy" in html
    assert "Never published" in html


def test_the_files_are_listed_with_size_and_date_newest_first(client, root):
    af.made_award()
    exports.export_bulk_files(day=dt.date(2026, 11, 14), flat=False)
    exports.export_bulk_files(day=dt.date(2026, 11, 15), flat=False)
    html = client.get("/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    newest = html.index('href="/data/files/releases-2026-11-15.jsonl.gz"')
    assert newest < html.index('href="/data/files/releases-2026-11-14.jsonl.gz"')
    listed = {f.name: f for f in exports.bulk_files()}
    assert len(listed) == 8  # four files a day without the flattened ones, two days
    size = filesizeformat(listed["ocds-2026-11-15.zip"].size)
    row = html[html.index('href="/data/files/ocds-2026-11-15.zip"'):]
    row = row[:row.index("</tr>")]
    assert '<td data-label="Date">2026-11-15</td>' in row and f">{size}</td>" in row


def test_the_footer_links_to_open_data(client):
    html = client.get("/").content.decode()
    assert '<a href="/data/">开放数据</a>' in html


def test_the_page_makes_the_same_number_of_queries_at_one_and_at_five_awards(client, root):
    af.made_award()
    with CaptureQueriesContext(connection) as one:
        assert client.get("/data/").status_code == 200
    for _i in range(4):
        af.made_award()
    with CaptureQueriesContext(connection) as five:
        assert client.get("/data/").status_code == 200
    assert len(one.captured_queries) == len(five.captured_queries)
