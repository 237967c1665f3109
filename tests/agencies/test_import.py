"""Bulk import of agencies: ``manage.py import_agencies`` (CSV and XLSX)."""
import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from agencies.models import Agency
from agencies.services.importer import import_agencies
from core.models import AuditEvent
from core.uscc import make_uscc
from tests.factories.agencies import service_item

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "agencies" / "fixtures" / "agencies_sample.csv"
HEADERS = ["机构名称", "统一社会信用代码", "机构性质", "法定代表人", "地址", "所在地区",
           "联系人", "联系电话", "服务事项", "参考收费", "承诺时限"]



def good_row(n: int, **over) -> dict:
    row = {"机构名称": f"导入测试机构{n}有限公司", "统一社会信用代码": make_uscc(880000 + n),
           "机构性质": "企业", "法定代表人": "李明", "地址": "湖北省武汉市江汉区1号",
           "所在地区": "湖北", "联系人": "王芳", "联系电话": "027-80000000",
           "服务事项": "", "参考收费": "", "承诺时限": ""}
    row.update(over)
    return row


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, tmp_path: Path, *extra) -> str:
    out, err = StringIO(), StringIO()
    call_command("import_agencies", str(path), "--credentials", str(tmp_path / "cred.csv"),
                 *extra, stdout=out, stderr=err)
    if path.exists():
        assert "导入" in err.getvalue()  # the tqdm progress bar
    return out.getvalue()


def test_good_rows_are_kept_and_bad_rows_reported_with_line_numbers(tmp_path):
    item = service_item(title="水土保持方案编制")
    rows = [
        good_row(1, 服务事项="水土保持方案编制", 参考收费="15000元", 承诺时限="15"),
        good_row(2, 统一社会信用代码="91420100MA4K00000X"),          # bad check character
        good_row(3),
        good_row(4, 服务事项="不存在的事项"),                          # unknown item
        good_row(5, 所在地区="火星"),                                 # unknown region
        good_row(6, 联系电话=""),                                     # missing required value
        good_row(7, 机构性质="合伙"),                                 # unknown nature
    ]
    path = write_csv(tmp_path / "agencies.csv", rows)
    with translation.override("en"):
        output = run(path, tmp_path)
    assert Agency.objects.count() == 2
    first = Agency.objects.get(uscc=make_uscc(880001))
    offer = first.partner.stockrecords.get()
    assert offer.product == item and offer.price == 15000 and offer.terms.committed_days == 15
    # header is line 1, so row n of data is line n + 1
    assert "第 3 行" in output and "check character" in output
    assert "第 5 行" in output and "不存在的事项" in output
    assert "第 6 行" in output and "火星" in output
    assert "第 7 行" in output and "联系电话" in output
    assert "第 8 行" in output and "合伙" in output
    assert "第 2 行" not in output and "第 4 行" not in output
    credentials = list(csv.reader(open(tmp_path / "cred.csv", encoding="utf-8-sig")))
    assert [row[2] for row in credentials[1:]] == [make_uscc(880001), make_uscc(880003)]
    username, password = credentials[1][3], credentials[1][4]
    from django.contrib.auth import authenticate
    assert authenticate(username=username, password=password) is not None
    assert AuditEvent.objects.filter(action="agency.registered").count() == 2


def test_re_running_the_import_is_idempotent(tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [good_row(1), good_row(2)])
    run(path, tmp_path)
    before = list(Agency.objects.order_by("pk").values_list("pk", "name", "modified"))
    events = AuditEvent.objects.count()
    output = run(path, tmp_path)
    assert list(Agency.objects.order_by("pk").values_list("pk", "name", "modified")) == before
    assert AuditEvent.objects.count() == events
    report = import_agencies(path)
    assert [r.status for r in report.rows] == ["skipped", "skipped"]
    assert not report.errors
    assert "跳过 2" in output
    # a later run that registers more appends to the credentials file instead of replacing it
    write_csv(path, [good_row(1), good_row(2), good_row(3)])
    run(path, tmp_path)
    credentials = list(csv.reader(open(tmp_path / "cred.csv", encoding="utf-8-sig")))
    assert [row[2] for row in credentials[1:]] == [make_uscc(880000 + n) for n in (1, 2, 3)]


def test_a_code_twice_in_the_same_file_is_registered_once(tmp_path):
    code = make_uscc(880077)
    path = write_csv(tmp_path / "agencies.csv", [good_row(1, 统一社会信用代码=code),
                                                 good_row(2, 统一社会信用代码=code)])
    report = import_agencies(path)
    assert [r.status for r in report.rows] == ["created", "skipped"]
    assert Agency.objects.filter(uscc=code).count() == 1


def test_a_dry_run_checks_every_row_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "agencies.csv", [good_row(1), good_row(2, 所在地区="")])
    output = run(path, tmp_path, "--dry-run")
    assert not Agency.objects.exists()
    assert not AuditEvent.objects.exists()
    assert "第 3 行" in output
    assert not (tmp_path / "cred.csv").exists()


def test_a_gb18030_csv_from_excel_is_read(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [good_row(1)], encoding="gb18030")
    report = import_agencies(path)
    assert [r.status for r in report.rows] == ["created"]
    assert Agency.objects.get().name == "导入测试机构1有限公司"


def test_xlsx_files_are_imported_with_row_numbers(tmp_path):
    from openpyxl import Workbook

    service_item(title="房产测绘")
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    first = good_row(1, 服务事项="房产测绘", 参考收费="3000")
    sheet.append([first[h] for h in HEADERS])
    sheet.append([None] * len(HEADERS))  # an empty row is ignored
    bad = good_row(2, 参考收费="很多", 服务事项="房产测绘")
    sheet.append([bad[h] for h in HEADERS])
    path = tmp_path / "agencies.xlsx"
    book.save(path)
    report = import_agencies(path)
    assert [(r.line, r.status) for r in report.rows] == [(2, "created"), (4, "error")]
    assert "很多" in report.errors[0].message
    assert Agency.objects.get().partner.stockrecords.get().price == 3000


def test_the_sample_file_imports_with_its_one_deliberately_bad_row(tmp_path):
    for title in ("环境影响评价报告书编制", "环境影响评价报告表编制", "水土保持方案编制"):
        service_item(title=title)
    report = import_agencies(SAMPLE)
    assert len(report.created) == 3
    assert [r.line for r in report.errors] == [5]
    tied = Agency.objects.get(name="江汉水土保持技术服务中心")
    assert tied.gov_tie_declared and tied.gov_tie_department == "宜昌市水利和湖泊局"
    xinjiang = Agency.objects.get(name="新疆天山测绘有限公司")
    assert xinjiang.region.code == "650000"
    assert sorted(q.name for q in xinjiang.qualifications.all()) == ["不动产测绘", "测绘资质"]


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path / "nope.csv", tmp_path)
