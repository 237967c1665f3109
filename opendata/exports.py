"""The daily open-data bulk files (docs/architecture.md, "Open data").

``export_bulk_files`` writes, into ``open_data_root()``, files named with the day:

- ``releases-YYYY-MM-DD.jsonl.gz``: every published OCDS release, one JSON object per line;
- ``ocds-YYYY-MM-DD.zip``: one release package of every release, the sanctions document
  (``opendata/sanctions.py``) and a README with the licence;
- ``ocds-flat-YYYY-MM-DD.zip`` (one CSV per table) and ``ocds-flat-YYYY-MM-DD.xlsx``: the
  releases of the last ``OPEN_DATA_FLAT_MONTHS`` months flattened by flattentool against the
  vendored release schema (with the bid extension merged in), nothing fetched from the network;
- ``sanctions-YYYY-MM-DD.csv`` and ``credit-grades-YYYY-MM-DD.csv``.

Releases are read with ``.iterator(chunk_size=…)`` as the database's own JSON text, so memory
stays the same at 10,000 and 50,000 projects (``bench/opendata.py``). Each file is written under
a temporary name beside its final one and renamed (``os.replace``, atomic on one file system):
a reader never sees half a file. Files older than ``OPEN_DATA_KEEP_DAYS`` days are removed.
Files are not database state: nothing here is audited or locked; two runs at once each write
their own temporary files and the last rename wins with identical content.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import csv_cell
from opendata import sanctions
from opendata.models import Release
from opendata.ocds import absolute, iter_release_package_chunks
from opendata.validation import release_schema

CHUNK = 2000

KINDS = ("releases", "ocds", "ocds-flat", "sanctions", "credit-grades")
SUFFIXES = {"releases": (".jsonl.gz",), "ocds": (".zip",), "ocds-flat": (".zip", ".xlsx"),
            "sanctions": (".csv",), "credit-grades": (".csv",)}
CONTENT_TYPES = {".jsonl.gz": "application/gzip", ".zip": "application/zip",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".csv": "text/csv; charset=utf-8"}
NAME = re.compile(r"^(?P<kind>releases|ocds-flat|ocds|sanctions|credit-grades)-"
                  r"(?P<day>\d{4}-\d{2}-\d{2})(?P<suffix>\.jsonl\.gz|\.zip|\.xlsx|\.csv)$")


def open_data_root() -> Path:
    """``OPEN_DATA_ROOT``, or ``MEDIA_ROOT/opendata`` when it is unset."""
    return Path(settings.OPEN_DATA_ROOT or Path(settings.MEDIA_ROOT) / "opendata")


def file_names(day: dt.date) -> list[str]:
    return [f"{kind}-{day.isoformat()}{suffix}" for kind in KINDS for suffix in SUFFIXES[kind]]


@dataclass(frozen=True)
class BulkFile:
    name: str
    kind: str
    day: dt.date
    size: int
    content_type: str


def parse_name(name: str) -> BulkFile | None:
    """The file ``name`` stands for, if it is a bulk file's name (else ``None``: no path, no
    ``..``, nothing but the names this module writes)."""
    m = NAME.fullmatch(name or "")
    if not m or m["suffix"] not in SUFFIXES[m["kind"]]:
        return None
    try:
        day = dt.date.fromisoformat(m["day"])
    except ValueError:
        return None
    return BulkFile(name, m["kind"], day, 0, CONTENT_TYPES[m["suffix"]])


def bulk_files() -> list[BulkFile]:
    """The files present, newest day first, in ``KINDS`` order within a day."""
    root = open_data_root()
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(root):
            parsed = parse_name(entry.name)
            if parsed and entry.is_file():
                found.append(BulkFile(parsed.name, parsed.kind, parsed.day,
                                      entry.stat().st_size, parsed.content_type))
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(found, key=lambda f: (-f.day.toordinal(), order[f.kind], f.name))


def bulk_file_path(name: str) -> Path | None:
    """The path of the bulk file ``name`` if it exists, else ``None`` (the download view)."""
    if parse_name(name) is None:
        return None
    path = open_data_root() / name
    return path if path.is_file() else None


# --- writing ---------------------------------------------------------------------------------

@contextlib.contextmanager
def _atomic_path(final: Path):
    """Yield a temporary path beside ``final``; rename it onto ``final`` when the block ends
    without an error, remove it otherwise."""
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def release_texts(queryset=None) -> Iterator[str]:
    """Each release's JSON as the database keeps it (one line each: neither PostgreSQL's jsonb
    text nor Django's stored JSON holds a raw newline), streamed in chunks."""
    qs = Release.objects.all() if queryset is None else queryset
    yield from (qs.order_by("date", "pk").annotate(text=Cast("data", TextField()))
                .values_list("text", flat=True).iterator(chunk_size=CHUNK))


def package_chunks(day: dt.date, queryset=None, *, uri: str = "") -> Iterator[str]:
    """The release package of ``queryset`` (default every release, oldest first) as JSON text
    in chunks (``opendata/ocds.py::iter_release_package_chunks``)."""
    qs = (Release.objects.all() if queryset is None else queryset).order_by("date", "pk")
    yield from iter_release_package_chunks(qs, uri=absolute(uri) if uri else None,
                                           chunk_size=CHUNK)


def _write_releases_jsonl(path: Path) -> int:
    n = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        for text in release_texts():
            out.write(text)
            out.write("\n")
            n += 1
    return n


def _readme(day: dt.date) -> str:
    return (f"{settings.MARKETPLACE['PLATFORM_NAME']} — open data, {day.isoformat()}\n\n"
            f"{_('Licence')}: {settings.OPEN_DATA_LICENSE_NAME} "
            f"({settings.OPEN_DATA_LICENSE})\n"
            f"{_('Publication policy')}: /data/#policy\n\n"
            "releases-*.json: an OCDS 1.1 release package of every published release.\n"
            "sanctions-*.json: current sanctions of the exit mechanism, as OCDS parties with\n"
            "details.sanctions (the OCDS sanctions extension's shape).\n")


def _write_ocds_zip(path: Path, day: dt.date) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open(f"releases-{day.isoformat()}.json", "w", force_zip64=True) as entry:
            buf = io.BufferedWriter(entry, buffer_size=1 << 20)
            for chunk in package_chunks(day, uri=f"/data/files/ocds-{day.isoformat()}.zip"):
                buf.write(chunk.encode("utf-8"))
            buf.flush()
        zf.writestr(f"sanctions-{day.isoformat()}.json",
                    json.dumps(sanctions.sanctions_document(), ensure_ascii=False, indent=1))
        zf.writestr("README.txt", _readme(day))


def _write_csv(path: Path, header: list, rows: Iterable) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow([csv_cell(h) for h in header])
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])


def flat_window_start(day: dt.date) -> dt.datetime:
    months = settings.OPEN_DATA_FLAT_MONTHS
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    start = dt.date(y, m + 1, 1)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def _write_flat(zip_path: Path, xlsx_path: Path, day: dt.date, work: Path) -> None:
    """Flatten the window's releases with flattentool: one CSV per table, zipped, and one
    workbook. flattentool reads its input with ijson and keeps its rows on disk (ZODB)."""
    import flattentool  # deferred: heavy (ZODB, openpyxl), needed once a day
    from flattentool.exceptions import FlattenToolWarning

    schema = release_schema()  # the vendored 1.1.5 schema with the bid extension merged in
    schema_path = work / "release-schema.json"
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    package_path = work / "package.json"
    window = Release.objects.filter(date__gte=flat_window_start(day))
    with open(package_path, "w", encoding="utf-8") as out:
        for chunk in package_chunks(day, window):
            out.write(chunk)
    csv_dir = work / "csv"
    with warnings.catch_warnings():  # "Skipping field …former_value": the schema's own gaps
        warnings.simplefilter("ignore", FlattenToolWarning)
        for output, fmt in ((csv_dir, "csv"), (xlsx_path, "xlsx")):
            flattentool.flatten(str(package_path), output_name=str(output), output_format=fmt,
                                schema=str(schema_path), root_list_path="releases",
                                main_sheet_name="main")
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for sheet in sorted(csv_dir.glob("*.csv")):
            zf.write(sheet, sheet.name)
        zf.writestr("README.txt", _readme(day) + (
            f"\nFlattened: the releases dated from {flat_window_start(day).date().isoformat()} "
            "(the full history is in releases-*.jsonl.gz and ocds-*.zip).\n"))


def export_bulk_files(*, day: dt.date | None = None, force: bool = False,
                      flat: bool = True) -> list[str]:
    """Write the day's bulk files (skipped when they all exist, unless ``force``), remove the
    expired ones; return the names written. ``flat=False`` leaves out the flattened files
    (the bench times them separately)."""
    day = day or timezone.localdate()
    root = open_data_root()
    root.mkdir(parents=True, exist_ok=True)
    wanted = [n for n in file_names(day) if flat or not n.startswith("ocds-flat-")]
    if not force and all((root / n).is_file() for n in wanted):
        return []
    stamp = day.isoformat()
    with _atomic_path(root / f"releases-{stamp}.jsonl.gz") as tmp:
        _write_releases_jsonl(tmp)
    with _atomic_path(root / f"ocds-{stamp}.zip") as tmp:
        _write_ocds_zip(tmp, day)
    with _atomic_path(root / f"sanctions-{stamp}.csv") as tmp:
        _write_csv(tmp, sanctions.sanctions_header(), sanctions.sanctions_rows())
    with _atomic_path(root / f"credit-grades-{stamp}.csv") as tmp:
        _write_csv(tmp, sanctions.grades_header(), sanctions.grades_rows())
    if flat:
        work = Path(tempfile.mkdtemp(prefix=".flat-", dir=root))
        try:
            with _atomic_path(root / f"ocds-flat-{stamp}.zip") as tmp_zip, \
                    _atomic_path(root / f"ocds-flat-{stamp}.xlsx") as tmp_xlsx:
                _write_flat(tmp_zip, tmp_xlsx, day, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    remove_expired(day=day)
    return wanted


def remove_expired(*, day: dt.date) -> list[str]:
    """Remove the bulk files of days before the last ``OPEN_DATA_KEEP_DAYS`` (``day``
    included); return their names."""
    oldest = day - dt.timedelta(days=settings.OPEN_DATA_KEEP_DAYS - 1)
    removed = []
    for f in bulk_files():
        if f.day < oldest:
            with contextlib.suppress(FileNotFoundError):
                (open_data_root() / f.name).unlink()
            removed.append(f.name)
    return removed
