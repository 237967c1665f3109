"""The daily open-data bulk files (docs/architecture.md, "Open data"): written, valid, renamed
atomically, kept for OPEN_DATA_KEEP_DAYS days, written once a day, and downloadable only by
their own names."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from opendata import exports
from opendata.models import Release
from opendata.tasks import export
from tests.factories import awards as af
from tests.factories import credit as cf

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 15)


@pytest.fixture
def root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "opendata"
    return settings.OPEN_DATA_ROOT


@pytest.fixture
def published(root):
    """The releases the services wrote for a project taken to its award (the audit listener,
    opendata/services/releases.py), oldest first."""
    af.made_award()
    cf.suspended_agency()
    releases = list(Release.objects.order_by("date", "pk"))
    assert releases
    return releases


def test_every_file_is_written_with_the_day_in_its_name_and_valid_content(published, root):
    written = exports.export_bulk_files(day=DAY)
    assert sorted(written) == sorted(exports.file_names(DAY)) and len(written) == 6
    assert sorted(p.name for p in root.iterdir()) == sorted(written)  # no temporary left

    with gzip.open(root / "releases-2026-11-15.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    assert lines == [r.data for r in published]

    with zipfile.ZipFile(root / "ocds-2026-11-15.zip") as zf:
        assert sorted(zf.namelist()) == ["README.txt", "releases-2026-11-15.json",
                                         "sanctions-2026-11-15.json"]
        package = json.loads(zf.read("releases-2026-11-15.json"))
        assert package["version"] == "1.1" and package["license"].startswith("https://")
        assert [r["id"] for r in package["releases"]] == [r.release_id for r in published]
        sanctions = json.loads(zf.read("sanctions-2026-11-15.json"))
        assert sanctions["parties"][0]["details"]["sanctions"][0]["kind"] == "suspension"
        readme = zf.read("README.txt").decode()
        assert "CC BY 4.0" in readme and "creativecommons.org/licenses/by/4.0" in readme

    with zipfile.ZipFile(root / "ocds-flat-2026-11-15.zip") as zf:
        main = list(csv.reader(io.StringIO(zf.read("main.csv").decode("utf-8-sig"))))
        assert "ocid" in main[0] and "tender/value/amount" in main[0]
        assert len(main) == 1 + len(published)
        assert "awards.csv" in zf.namelist()
    book = openpyxl.load_workbook(root / "ocds-flat-2026-11-15.xlsx", read_only=True)
    assert "main" in book.sheetnames

    sanction_rows = list(csv.reader(open(root / "sanctions-2026-11-15.csv",
                                         encoding="utf-8-sig")))
    assert sanction_rows[0][:3] == ["Agency", "Unified social credit code", "Sanction"]
    assert "Legal basis of the sanction" in sanction_rows[0]
    assert len(sanction_rows) == 2 and sanction_rows[1][2] == "suspension"
    grades = list(csv.reader(open(root / "credit-grades-2026-11-15.csv", encoding="utf-8-sig")))
    assert grades[0][:3] == ["Agency", "Unified social credit code", "Credit grade"]
    assert len(grades) > 2  # the winner, the other bidders, the suspended agency


def test_the_step_writes_once_a_day_unless_forced(published, root):
    first = exports.export_bulk_files(day=DAY)
    stamp = (root / first[0]).stat().st_mtime_ns
    assert exports.export_bulk_files(day=DAY) == []
    assert (root / first[0]).stat().st_mtime_ns == stamp
    af.made_award()  # another project awarded: its releases are in the forced rewrite
    assert Release.objects.count() > len(published)
    assert exports.export_bulk_files(day=DAY, force=True)
    with gzip.open(root / "releases-2026-11-15.jsonl.gz", "rt") as f:
        assert len(f.readlines()) == Release.objects.count()


def test_the_command_is_the_periodic_step_and_is_idempotent(published, root):
    out = io.StringIO()
    call_command("opendata_export", stdout=out)
    today = timezone.localdate().isoformat()
    assert f"releases-{today}.jsonl.gz" in out.getvalue()
    again = io.StringIO()
    call_command("opendata_export", stdout=again)
    assert again.getvalue() == ""
    assert len([p for p in root.iterdir() if today in p.name]) == 6


def test_files_older_than_the_kept_days_are_removed(published, root, settings):
    settings.OPEN_DATA_KEEP_DAYS = 3
    root.mkdir(parents=True)
    for days in (1, 2, 3, 9):
        old = (DAY - dt.timedelta(days=days)).isoformat()
        (root / f"releases-{old}.jsonl.gz").write_bytes(b"old")
        (root / f"sanctions-{old}.csv").write_bytes(b"old")
    (root / "notes.txt").write_text("not ours")
    exports.export_bulk_files(day=DAY, flat=False)
    days = sorted({f.day for f in exports.bulk_files()})
    assert days == [DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1), DAY]
    assert (root / "notes.txt").exists()


def test_a_file_is_renamed_into_place_only_when_it_is_complete(root):
    root.mkdir(parents=True)
    final = root / "sanctions-2026-11-15.csv"
    final.write_text("yesterday's complete file")
    with pytest.raises(RuntimeError), exports._atomic_path(final) as tmp:
        tmp.write_text("half a fi")
        assert final.read_text() == "yesterday's complete file"
        raise RuntimeError("the database went away")
    assert final.read_text() == "yesterday's complete file"
    assert [p.name for p in root.iterdir()] == [final.name]
    with exports._atomic_path(final) as tmp:
        tmp.write_text("today's")
    assert final.read_text() == "today's" and [p.name for p in root.iterdir()] == [final.name]


def test_a_bulk_file_downloads_streamed_with_its_type_and_name(client, published, root):
    exports.export_bulk_files(day=DAY, flat=False)
    response = client.get("/data/files/releases-2026-11-15.jsonl.gz")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/gzip"
    assert response["Content-Disposition"] == (
        'attachment; filename="releases-2026-11-15.jsonl.gz"')
    body = b"".join(response.streaming_content)
    assert body == (root / "releases-2026-11-15.jsonl.gz").read_bytes()
    zipped = client.get("/data/files/ocds-2026-11-15.zip")
    assert zipped["Content-Type"] == "application/zip"
    csv_response = client.get("/data/files/sanctions-2026-11-15.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("name", [
    "releases-2026-11-14.jsonl.gz",  # a bulk file's name, but not written
    "notes.txt", ".releases-2026-11-15.jsonl.gz.abc.tmp", "releases-2026-13-40.jsonl.gz",
    "..", "..%2Fsettings.py", "%2e%2e%2f%2e%2e%2fmanage.py", "sanctions-2026-11-15.csv%00.txt",
    "releases-2026-11-15.xlsx"])
def test_anything_else_is_a_404_and_no_path_escapes_the_folder(client, root, name):
    root.mkdir(parents=True)
    (root / "notes.txt").write_text("private")
    (root / ".releases-2026-11-15.jsonl.gz.abc.tmp").write_text("half")
    (root / "releases-2026-11-15.xlsx").write_text("wrong kind")
    (root.parent / "settings.py").write_text("SECRET")
    assert client.get(f"/data/files/{name}").status_code == 404


def test_traversal_through_the_path_itself_never_reaches_a_file(client, root):
    root.mkdir(parents=True)
    (root.parent / "secret.csv").write_text("SECRET")
    for url in ["/data/files/../secret.csv", "/data/files/%2e%2e/secret.csv",
                "/data/files/sub/../../secret.csv"]:
        response = client.get(url)
        assert response.status_code == 404
        assert b"SECRET" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_celery_task_writes_the_same_files(published, root):
    export.apply(kwargs={"force": True}).get()
    today = timezone.localdate()
    assert sorted(p.name for p in root.iterdir()) == sorted(exports.file_names(today))
