"""``manage.py import_agencies FILE [--dry-run] [--credentials OUT.csv]``: bulk-register agencies
from a CSV or XLSX file with a progress bar. Columns: see ``agencies.services.importer``; a sample is in
``agencies/fixtures/agencies_sample.csv``. Bad rows are reported with their line numbers and
reasons; good rows are kept (each in its own transaction); re-running skips registered codes."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from agencies.services.importer import RowError, count_rows, import_agencies, write_credentials


class Command(BaseCommand):
    help = ("Register agencies from a CSV/XLSX file (Chinese headers: 机构名称, 统一社会信用代码, "
            "机构性质, 法定代表人, 地址, 所在地区, 联系人, 联系电话, 服务事项, 参考收费 …).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GB18030) or XLSX file")
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row, register nothing")
        parser.add_argument("--credentials", help="where to write the new accounts "
                            "(appended to; default: FILE name + .credentials.csv beside it)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            total = count_rows(path)
            bar = None if options["no_progress"] else (
                lambda rows: tqdm(rows, total=total, unit="行", desc="导入", file=self.stderr))
            report = import_agencies(path, dry_run=options["dry_run"], progress=bar)
        except (RowError, ValueError, OSError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc

        for row in report.errors:
            self.stdout.write(self.style.ERROR(f"第 {row.line} 行 [{row.uscc}] {row.name}: "
                                               f"{row.message}"))
        for row in report.skipped:
            self.stdout.write(self.style.WARNING(f"第 {row.line} 行 [{row.uscc}] {row.name}: "
                                                 f"{row.message}"))
        verb = "可登记" if report.dry_run else "已登记"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {len(report.created)} 家，跳过 {len(report.skipped)} 家（已登记），"
            f"错误 {len(report.errors)} 行。"
            + ("（试运行，未写入任何数据）" if report.dry_run else "")))
        if report.created and not report.dry_run:
            out = Path(options["credentials"] or path.with_name(path.stem + ".credentials.csv"))
            written = write_credentials(report, out)
            self.stdout.write(f"{written} 个新账户的用户名和初始密码已写入 {out}，"
                              f"请妥善保管并及时分发。")
