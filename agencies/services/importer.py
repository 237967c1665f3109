"""Bulk import of agencies from CSV or XLSX (``manage.py import_agencies``).

Each good row is registered through ``agencies.services.registry.agency_register`` (same rules, same audit
trail as the join form), in its own transaction: a bad row is reported with its line number and
reason and never stops or undoes the good ones. Re-running is idempotent: a row whose credit
code is already registered is reported as skipped and changes nothing.

Columns (first row = headers, Chinese; * = required; lists are separated by "；" or ";"):

========================  ===================================================================
机构名称 *                 name on the business licence
统一社会信用代码 *          18 characters
机构性质 *                 企业 / 事业单位 / 社会组织 / 个体工商户
法定代表人 *               legal representative
注册资本（万元）             optional number (also accepted: 注册资本)
地址 *                     address
所在地区 *                 province name (湖北省 or 湖北) or GB/T 2260 code (420000)
服务地区                    regions served, "；"-separated; empty = everywhere
联系人 *                   contact person
联系电话 *                 contact phone
联系邮箱, 网站, 机构简介      optional
服务事项                    catalogue item titles, "；"-separated (must exist in the catalogue)
参考收费                    reference fee in yuan: one value for every item, or one per item
承诺时限                    committed working days: one value, or one per item
服务承诺                    service commitment text (applies to every item)
资质                        qualification names, "；"-separated (optional)
政府部门关联                 是 / 否 (default 否); 关联部门 and 关联说明 when 是
接受诚信承诺                 是 / 否 (default 是: the operator confirms the agencies signed it)
========================  ===================================================================

Each new account gets the credit code as user name and a random password; both are written to
the credentials CSV for the operator to hand over.
"""
from __future__ import annotations

import csv
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.services.registry import (
    OfferInput,
    QualificationInput,
    Registration,
    agency_register,
    uscc_clean,
)
from core.access import csv_cell
from core.catalogue import SERVICE_CLASS_SLUG, Product
from core.errors import MarketplaceError, ValidationFailed
from core.models import Region
from core.money import parse_decimal
from core.regions import current_regions

COLUMNS = {
    "机构名称": "name", "统一社会信用代码": "uscc", "机构性质": "nature",
    "法定代表人": "legal_representative", "注册资本（万元）": "registered_capital",
    "注册资本(万元)": "registered_capital", "注册资本": "registered_capital", "地址": "address",
    "所在地区": "region", "服务地区": "service_regions", "联系人": "contact_name",
    "联系电话": "contact_phone", "联系邮箱": "contact_email", "网站": "website",
    "机构简介": "description", "服务事项": "items", "参考收费": "fees",
    "参考收费（元）": "fees", "承诺时限": "days", "承诺时限（工作日）": "days",
    "服务承诺": "commitment", "资质": "qualifications", "政府部门关联": "gov_tie_declared",
    "关联部门": "gov_tie_department", "关联说明": "gov_tie_details",
    "接受诚信承诺": "integrity_accepted",
}
REQUIRED = ["name", "uscc", "nature", "legal_representative", "address", "region",
            "contact_name", "contact_phone"]
HEADER_OF = {}
for _header, _key in COLUMNS.items():
    HEADER_OF.setdefault(_key, _header)

NATURES = {
    "企业": Agency.Nature.ENTERPRISE, "事业单位": Agency.Nature.PUBLIC_INSTITUTION,
    "社会组织": Agency.Nature.SOCIAL_ORGANISATION, "社会团体": Agency.Nature.SOCIAL_ORGANISATION,
    "个体工商户": Agency.Nature.INDIVIDUAL_BUSINESS,
    **{value: value for value in Agency.Nature.values},
}
YES = {"是", "有", "y", "yes", "true", "1", "✓"}
NO = {"否", "无", "n", "no", "false", "0", ""}
SEPARATORS = re.compile(r"[；;\n]+")

# Field names a service error may name → the column a person sees.
FIELD_COLUMNS = {**HEADER_OF, "username": "用户名", "password": "密码", "fee": "参考收费",
                 "offers": "服务事项"}


@dataclass
class RowResult:
    line: int
    status: str  # "created", "skipped", "error"
    message: str = ""
    uscc: str = ""
    name: str = ""
    username: str = ""
    password: str = ""


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: list[RowResult] = field(default_factory=list)

    def of(self, status: str) -> list[RowResult]:
        return [r for r in self.rows if r.status == status]

    @property
    def created(self):
        return self.of("created")

    @property
    def skipped(self):
        return self.of("skipped")

    @property
    def errors(self):
        return self.of("error")


class RowError(Exception):
    pass


# -- reading ---------------------------------------------------------------------------------
def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """``(line number, {header: text})`` for each data row of a CSV or XLSX file."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path)
    else:
        yield from _read_csv(path)


def count_rows(path: Path) -> int:
    return sum(1 for _row in read_rows(path))


def _read_csv(path: Path):
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RowError(_("The file is neither UTF-8 nor GB18030 text."))
    reader = csv.reader(text.splitlines(keepends=True))
    headers = None
    start = 1
    for row in reader:
        if headers is None:
            headers = [h.strip() for h in row]
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        yield line, dict(zip(headers, [c.strip() for c in row]))


def _read_xlsx(path: Path):
    from openpyxl import load_workbook  # heavy, and only needed for .xlsx files

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        headers = None
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else str(v).strip() for v in row]
            if headers is None:
                headers = cells
                continue
            if not any(cells):
                continue
            yield number, dict(zip(headers, cells))
    finally:
        book.close()


# -- parsing ---------------------------------------------------------------------------------
class Lookups:
    """Regions and catalogue items loaded once for the whole file."""

    def __init__(self):
        self.regions = list(current_regions())  # every level, abolished codes left out
        self.items = {p.title: p for p in Product.objects.filter(
            product_class__slug=SERVICE_CLASS_SLUG, is_public=True)}

    def region(self, text: str) -> Region:
        value = text.strip()
        matches = [r for r in self.regions if value in (r.code, r.name)]
        if len(matches) > 1:  # e.g. 朝阳区, in 北京市 and in 长春市
            raise RowError(_("“%(region)s” is the name of several regions: give one of the "
                             "codes %(codes)s.") % {"region": value,
                                                    "codes": "、".join(r.code for r in matches)})
        if not matches and len(value) >= 2:
            matches = [r for r in self.regions if r.name.startswith(value)]
        if len(matches) == 1:
            return matches[0]
        raise RowError(_("Unknown region “%(region)s”.") % {"region": value})

    def item(self, title: str) -> Product:
        try:
            return self.items[title.strip()]
        except KeyError:
            raise RowError(_("Unknown service item “%(item)s” (not in the catalogue).") % {
                "item": title.strip()}) from None


def _split(text: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


def _decimal(text: str, column: str, places: int = 2) -> Decimal | None:
    """A number of a spreadsheet cell (``"1,200 元"``, ``"50万"``), parsed by the platform's one
    parser (core.money: no NaN, infinities or huge exponents)."""
    cleaned = re.sub(r"[,，\s元万]", "", text or "")
    if not cleaned:
        return None
    not_a_number = _("%(column)s: “%(value)s” is not a number.") % {
        "column": column, "value": text}
    try:
        value = parse_decimal(cleaned, field=column, places=places, message=not_a_number)
    except ValidationFailed as exc:
        message = str(exc)
        raise RowError(message if message == not_a_number else f"{column}: {message}") from None
    if value < 0:
        raise RowError(_("%(column)s cannot be negative.") % {"column": column})
    return value


def _int(text: str, column: str) -> int | None:
    value = _decimal(text, column, places=6)
    if value is None:
        return None
    if value != value.to_integral_value() or value < 1:
        raise RowError(_("%(column)s: “%(value)s” is not a whole number of days.") % {
            "column": column, "value": text})
    return int(value)


def _yes_no(text: str, column: str, default: bool) -> bool:
    value = (text or "").strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise RowError(_("%(column)s: write 是 or 否, not “%(value)s”.") % {
        "column": column, "value": text})


def _per_item(values: list, count: int, column: str) -> list:
    if not values:
        return [None] * count
    if len(values) == 1:
        return values * count
    if len(values) != count:
        raise RowError(_("%(column)s: give one value for all items or one per item "
                         "(%(count)s items, %(given)s values).") % {
            "column": column, "count": count, "given": len(values)})
    return values


def parse_row(raw: dict, lookups: Lookups) -> dict:
    """Row cells → the keyword arguments of ``Registration`` (without account fields)."""
    row = {}
    for header, text in raw.items():
        key = COLUMNS.get((header or "").strip())
        if key:
            row[key] = text or ""
    missing = [HEADER_OF[k] for k in REQUIRED if not row.get(k, "").strip()]
    if missing:
        raise RowError(_("Missing required value: %(columns)s.") % {
            "columns": "、".join(missing)})
    nature = NATURES.get(row["nature"].strip())
    if nature is None:
        raise RowError(_("机构性质: “%(value)s” is not one of 企业、事业单位、社会组织、个体工商户.")
                       % {"value": row["nature"]})
    items = [lookups.item(t) for t in _split(row.get("items", ""))]
    fees = _per_item([_decimal(v, "参考收费") for v in _split(row.get("fees", ""))],
                     len(items), "参考收费") if items else []
    days = _per_item([_int(v, "承诺时限") for v in _split(row.get("days", ""))],
                     len(items), "承诺时限") if items else []
    if not items and (row.get("fees") or "").strip():
        raise RowError(_("参考收费 is given but 服务事项 is empty."))
    commitment = row.get("commitment", "").strip()
    return {
        "name": row["name"].strip(), "uscc": row["uscc"].strip(), "nature": nature,
        "legal_representative": row["legal_representative"].strip(),
        "registered_capital": _decimal(row.get("registered_capital", ""), "注册资本"),
        "address": row["address"].strip(), "region": lookups.region(row["region"]),
        "service_regions": [lookups.region(r) for r in _split(row.get("service_regions", ""))],
        "contact_name": row["contact_name"].strip(),
        "contact_phone": row["contact_phone"].strip(),
        "contact_email": row.get("contact_email", "").strip(),
        "website": row.get("website", "").strip(),
        "description": row.get("description", "").strip(),
        "offers": [OfferInput(item=item, fee=fee, commitment=commitment, committed_days=day)
                   for item, fee, day in zip(items, fees, days)],
        "qualifications": [QualificationInput(name=q)
                           for q in _split(row.get("qualifications", ""))],
        "gov_tie_declared": _yes_no(row.get("gov_tie_declared", ""), "政府部门关联", False),
        "gov_tie_department": row.get("gov_tie_department", "").strip(),
        "gov_tie_details": row.get("gov_tie_details", "").strip(),
        "integrity_accepted": _yes_no(row.get("integrity_accepted", ""), "接受诚信承诺", True),
    }


def _describe(exc: MarketplaceError) -> str:
    if not exc.fields:
        return str(exc)
    parts = []
    for name, messages in exc.fields.items():
        column = FIELD_COLUMNS.get(name, name)
        parts.extend(f"{column}: {m}" for m in messages)
    return "；".join(parts)


def new_password() -> str:
    return secrets.token_urlsafe(12)


# -- importing -------------------------------------------------------------------------------
def import_row(line: int, raw: dict, *, lookups: Lookups, dry_run: bool,
               seen: dict[str, int]) -> RowResult:
    """Register one row in its own transaction (rolled back when ``dry_run``)."""
    try:
        fields = parse_row(raw, lookups)
    except RowError as exc:
        return RowResult(line, "error", str(exc), uscc=raw.get("统一社会信用代码", ""),
                         name=raw.get("机构名称", ""))
    try:
        code = uscc_clean(fields["uscc"])
    except MarketplaceError as exc:
        return RowResult(line, "error", _describe(exc), uscc=fields["uscc"], name=fields["name"])
    result = RowResult(line, "created", uscc=code, name=fields["name"])
    if code in seen:
        result.status, result.message = "skipped", _(
            "Same credit code as line %(line)s; skipped.") % {"line": seen[code]}
        return result
    seen[code] = line
    if Agency.objects.filter(uscc=code).exists():
        result.status, result.message = "skipped", _("Already registered; skipped.")
        return result
    password = new_password()
    registration = Registration(username=code, password=password, **fields)
    try:
        with transaction.atomic():
            agency_register(registration=registration)
            if dry_run:
                transaction.set_rollback(True)
    except MarketplaceError as exc:
        result.status, result.message = "error", _describe(exc)
        return result
    result.username = code
    result.password = "" if dry_run else password
    result.message = _("Would be registered.") if dry_run else _("Registered.")
    return result


def import_agencies(path: Path, *, dry_run: bool = False, progress=None) -> ImportReport:
    """Import every row of ``path``. ``progress`` wraps the row iterator (e.g. tqdm)."""
    report = ImportReport(dry_run=dry_run)
    lookups = Lookups()
    seen: dict[str, int] = {}
    rows = read_rows(path)
    if progress is not None:
        rows = progress(rows)
    for line, raw in rows:
        report.rows.append(import_row(line, raw, lookups=lookups, dry_run=dry_run, seen=seen))
    return report


def write_credentials(report: ImportReport, path: Path) -> int:
    """Append the new accounts (line, name, code, user name, password) to a CSV file, so a
    later run never overwrites the passwords of an earlier one."""
    rows = [r for r in report.created if r.password]
    path = Path(path)
    new_file = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="", encoding="utf-8-sig" if new_file else "utf-8") as handle:
        writer = csv.writer(handle)
        if new_file:
            writer.writerow(["行号", "机构名称", "统一社会信用代码", "用户名", "初始密码"])
        for r in rows:
            # The name comes from the imported file: neutralised like every CSV cell; the
            # code, user name and password are ours and must stay exactly as they are.
            writer.writerow([r.line, csv_cell(r.name), r.uscc, r.username, r.password])
    return len(rows)
