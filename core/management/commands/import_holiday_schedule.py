"""Import the State Council's holiday schedule (放假安排) for a year chinese-calendar does not
know yet (R13, docs/design.md "Working days"):

    manage.py import_holiday_schedule --year 2027 --document "国办发明电〔2026〕7号" \\
        --published 2026-11-04 --holidays 2027-01-01..2027-01-03,2027-02-05..2027-02-12 \\
        --workdays 2027-02-20 [--replace]

or from a file of ``key: value`` lines with the same keys (``year``, ``document``,
``published``, ``holidays``, ``workdays``; a key may repeat, ``#`` starts a comment), options
given on the command line winning:

    manage.py import_holiday_schedule --file 2027.txt

Runs ``core/services/calendar.py::holiday_schedule_import`` as the platform; a refusal is an
error naming the field, and nothing is saved.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import MarketplaceError
from core.services.calendar import holiday_schedule_import

KEYS = ("year", "document", "published", "holidays", "workdays")
OPTION_OF = {"published_on": "published"}  # the service's field names, as options


def read_schedule_file(path: Path) -> dict[str, str]:
    """The ``key: value`` lines of ``path``; values of a repeated key are joined."""
    values: dict[str, list[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in KEYS:
            raise CommandError(f"{path}:{number}: expected one of {', '.join(KEYS)} "
                               f"followed by a colon")
        values.setdefault(key, []).append(value.strip())
    sep = {"holidays": ", ", "workdays": ", "}
    return {k: sep.get(k, " ").join(v) for k, v in values.items()}


class Command(BaseCommand):
    help = "Import the State Council's holiday schedule for a year chinese-calendar lacks."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="a file of key: value lines")
        parser.add_argument("--year", type=int)
        parser.add_argument("--document", help="the notice's number, e.g. 国办发明电〔2026〕7号")
        parser.add_argument("--published", help="the notice's publication date, YYYY-MM-DD")
        parser.add_argument("--holidays", help="dates and ranges: 2027-01-01,2027-02-05..2027-02-12")
        parser.add_argument("--workdays", help="the weekend days worked (调休)")
        parser.add_argument("--replace", action="store_true",
                            help="replace the schedule already imported for the year")

    def handle(self, *args, file, replace, **options):
        given = read_schedule_file(file) if file else {}
        given.update({k: str(options[k]) for k in KEYS if options.get(k) is not None})
        missing = [k for k in ("year", "document", "published", "holidays") if not given.get(k)]
        if missing:
            raise CommandError(f"give --{', --'.join(missing)} (or a --file with them)")
        try:
            year = int(given["year"])
        except ValueError:
            raise CommandError(f"year: {given['year']!r} is not a year") from None
        try:
            published = dt.date.fromisoformat(given["published"])
        except ValueError:
            raise CommandError(f"published: {given['published']!r} is not a date "
                               f"(YYYY-MM-DD)") from None
        try:
            schedule = holiday_schedule_import(
                actor=None, year=year, document=given["document"], published_on=published,
                holidays=given["holidays"], workdays=given.get("workdays", ""),
                replace=replace)
        except MarketplaceError as exc:
            details = "; ".join(f"{OPTION_OF.get(k, k)}: {' '.join(v)}"
                                for k, v in exc.fields.items())
            raise CommandError(details or str(exc)) from exc
        days = list(schedule.days.values_list("is_working_day", flat=True))
        self.stdout.write(self.style.SUCCESS(
            f"imported the {schedule.year} schedule {schedule.document}: "
            f"{days.count(False)} holidays, {days.count(True)} make-up working days"))
