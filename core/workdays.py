"""Chinese working days (R13, docs/design.md).

``chinese-calendar`` knows the State Council's holidays and make-up working days (调休) for the
years it ships. For any other year we fall back to Monday–Friday corrected by the
``core.models.Holiday`` rows an administrator enters (a holiday, or a worked weekend day),
and pages say so (``FALLBACK_NOTE``). Nothing here raises for a date the library lacks.

Counting convention: ``add_working_days(start, n)`` counts from the working day *after* ``start``
(day one is the next working day), keeps the time of day, and returns the type it was given;
``working_days_between(a, b)`` counts working days ``d`` with ``a < d <= b``, so
``working_days_between(a, add_working_days(a, n)) == n``.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Holiday

SOURCE_LIBRARY = "chinese-calendar"
SOURCE_FALLBACK = "fallback"

FALLBACK_NOTE = _("Holidays are counted by the calendar entered by the administrator "
                  "(节假日按管理员录入的日历计算).")
LIBRARY_NOTE = _("Holidays and make-up working days follow the State Council's calendar.")

_MAX_SCAN_DAYS = 3700  # ten years: a guard against a calendar with no working days at all


@lru_cache(maxsize=64)
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 15))
    except NotImplementedError:
        return False
    return True


def calendar_source(year: int) -> str:
    """``"chinese-calendar"`` when the library knows ``year``, else ``"fallback"``."""
    return SOURCE_LIBRARY if _library_knows(year) else SOURCE_FALLBACK


def calendar_note(*dates) -> str:
    """The note a page shows beside deadlines: the fallback note if any of ``dates`` (dates or
    datetimes, ``None`` ignored) lies in a year the library does not know, else ``""``."""
    for value in dates:
        if value is None:
            continue
        if calendar_source(_as_date(value).year) == SOURCE_FALLBACK:
            return str(FALLBACK_NOTE)
    return ""


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


class _Overrides:
    """Administrator-entered days for fallback years, loaded once per year per computation."""

    def __init__(self):
        self._years: dict[int, dict[dt.date, bool]] = {}

    def get(self, day: dt.date) -> bool | None:
        if day.year not in self._years:
            self._years[day.year] = dict(
                Holiday.objects.filter(date__year=day.year).values_list("date", "is_working_day"))
        return self._years[day.year].get(day)


def _is_working(day: dt.date, overrides: _Overrides) -> bool:
    if _library_knows(day.year):
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # defensive: the library's range is per date, not per year
            pass
    entered = overrides.get(day)
    if entered is not None:
        return entered
    return day.weekday() < 5


def is_working_day(d) -> bool:
    """Is ``d`` (a date or datetime) a Chinese working day?"""
    return _is_working(_as_date(d), _Overrides())


def add_working_days(start, n: int):
    """``start`` moved forward by ``n`` working days (day one = the next working day after
    ``start``). A datetime keeps its local time of day and its awareness; a date stays a date.
    ``n <= 0`` returns ``start`` unchanged."""
    if n <= 0:
        return start
    overrides = _Overrides()
    day = _as_date(start)
    counted = 0
    for _i in range(_MAX_SCAN_DAYS):
        day += dt.timedelta(days=1)
        if _is_working(day, overrides):
            counted += 1
            if counted == n:
                break
    else:  # pragma: no cover - a calendar of holidays only
        raise ValueError("no working days found in ten years")
    if isinstance(start, dt.datetime):
        if timezone.is_aware(start):
            local = timezone.localtime(start)
            naive = dt.datetime.combine(day, local.time().replace(tzinfo=None))
            return timezone.make_aware(naive, timezone.get_current_timezone())
        return dt.datetime.combine(day, start.time())
    return day


def working_days_between(a, b) -> int:
    """Number of working days ``d`` with ``a < d <= b`` (dates of datetimes compared in local
    time); negative when ``b`` is before ``a``."""
    da, db = _as_date(a), _as_date(b)
    if db < da:
        return -working_days_between(b, a)
    overrides = _Overrides()
    count = 0
    day = da
    while day < db:
        day += dt.timedelta(days=1)
        if _is_working(day, overrides):
            count += 1
    return count
