"""Chinese working days for any year (R13; docs/design.md, "Working days").

Three sources, in this order, for the days of one year:

1. **chinese-calendar**, wherever it knows the year: the State Council's holiday schedule
   (放假安排) with its make-up working days (调休). Official.
2. **An imported schedule** (``core.models.HolidaySchedule``): the State Council's notice for a
   year the library does not know yet, imported by a regulator
   (``core/services/calendar.py::holiday_schedule_import``). Official.
3. **The statutory estimate** otherwise: Saturdays, Sundays and the public holidays of
   《全国年节及纪念日放假办法》 (Art. 2, in the version in force that year) are rest days, and a
   holiday that falls on a weekend is made up on the next working day (补假, Art. 6). The
   make-up working days a schedule adds (调休) cannot be predicted and are not counted; pages
   say so (``ESTIMATE_NOTE``).

Counting convention: ``add_working_days(start, n)`` counts from the working day *after* ``start``
(day one is the next working day), keeps the time of day, and returns the type it was given;
``working_days_between(a, b)`` counts working days ``d`` with ``a < d <= b``, so
``working_days_between(a, add_working_days(a, n)) == n``.

Speed: a library or estimated year's rest days are computed once per process
(``functools.lru_cache``); an imported schedule costs one indexed query per year per call and is
never cached across calls, so an import is seen at once by every process.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lunar_python import Lunar, Solar

from core.models import HolidayScheduleDay

SOURCE_LIBRARY = "chinese-calendar"
SOURCE_SCHEDULE = "schedule"
SOURCE_ESTIMATE = "estimate"
OFFICIAL = "official"  # the basis of a period: chinese-calendar or an imported schedule
ESTIMATE = "estimate"  # the statutory estimate

OFFICIAL_NOTE = _("Counted by the State Council's holiday schedule.")
ESTIMATE_NOTE = _("Estimated from the public holidays of the National Holidays Regulation "
                  "(全国年节及纪念日放假办法), without make-up working days; the State Council's "
                  "schedule for the year prevails once it is published.")

_MAX_SCAN_DAYS = 3700  # ten years: a guard against a calendar with no working days at all

# --- the statutory public holidays ------------------------------------------------------------
# Festival codes are the names of ``chinese_calendar.Holiday`` members, so the two can be compared.
FESTIVALS = {
    "new_years_day": _("New Year's Day"),
    "spring_festival": _("Spring Festival"),
    "tomb_sweeping_day": _("Tomb-sweeping Day"),
    "labour_day": _("Labour Day"),
    "dragon_boat_festival": _("Dragon Boat Festival"),
    "mid_autumn_festival": _("Mid-autumn Festival"),
    "national_day": _("National Day"),
}


@dataclass(frozen=True)
class Regulation:
    """One version of Art. 2 of 《全国年节及纪念日放假办法》: the days of each holiday."""

    version: str  # the year of the revision
    in_force_from: int  # the first year it governs
    spring: tuple[int, ...]  # days relative to 正月初一 (-1 = 除夕, the last day of the 12th month)
    labour: tuple[int, ...]  # days of May
    national: tuple[int, ...]  # days of October
    lunar_festivals: bool  # 清明, 端午, 中秋 (since the 2007 revision)


# Newest first. 2024 revision (国务院令第798号, in force 2025-01-01): 春节 除夕–初三, 劳动节 1–2 May.
# 2013 revision (in force 2014): 春节 初一–初三. 2007 revision (in force 2008): 春节 除夕–初二,
# 劳动节 1 May, 清明, 端午, 中秋 added. 1999 revision: 春节 初一–初三, 劳动节 and 国庆节 3 days.
REGULATIONS = (
    Regulation("2024", 2025, (-1, 0, 1, 2), (1, 2), (1, 2, 3), True),
    Regulation("2013", 2014, (0, 1, 2), (1,), (1, 2, 3), True),
    Regulation("2007", 2008, (-1, 0, 1), (1,), (1, 2, 3), True),
    Regulation("1999", 0, (0, 1, 2), (1, 2, 3), (1, 2, 3), False),
)


def regulation_for(year: int) -> Regulation:
    """The version of the 放假办法 that governs ``year``."""
    return next(r for r in REGULATIONS if year >= r.in_force_from)


def _solar_date(solar: Solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    """The public holidays of Art. 2 in ``year`` as ``(date, festival code)`` pairs in date
    order, lunar dates and the 清明 solar term computed by lunar-python. Two festivals on one
    day (中秋 on 1 October) are two pairs."""
    rules = regulation_for(year)
    new_year = _solar_date(Lunar.fromYmd(year, 1, 1).getSolar())  # 正月初一
    days = [(dt.date(year, 1, 1), "new_years_day")]
    days += [(new_year + dt.timedelta(days=k), "spring_festival") for k in rules.spring]
    days += [(dt.date(year, 5, d), "labour_day") for d in rules.labour]
    days += [(dt.date(year, 10, d), "national_day") for d in rules.national]
    if rules.lunar_festivals:
        qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
        days += [(_solar_date(qingming), "tomb_sweeping_day"),
                 (_solar_date(Lunar.fromYmd(year, 5, 5).getSolar()), "dragon_boat_festival"),
                 (_solar_date(Lunar.fromYmd(year, 8, 15).getSolar()), "mid_autumn_festival")]
    return tuple(sorted(days))


@lru_cache(maxsize=256)
def statutory_rest_days(year: int) -> MappingProxyType[dt.date, str]:
    """The holidays of ``year`` by date, plus the make-up days off (补假) of Art. 6: a holiday
    on a Saturday or Sunday, or on a day another holiday already takes, is made up on the next
    day that is neither a weekend, a holiday nor another 补假. Weekends are not listed."""
    holidays = statutory_holidays(year)
    rest = {}
    owed = []
    for day, code in holidays:
        if day.weekday() >= 5 or day in rest:
            owed.append((day, code))
        rest.setdefault(day, code)
    for day, code in owed:
        make_up = day + dt.timedelta(days=1)
        while make_up.weekday() >= 5 or make_up in rest:
            make_up += dt.timedelta(days=1)
        rest[make_up] = code
    return MappingProxyType(dict(sorted(rest.items())))


# --- the year's calendar ------------------------------------------------------------------------
@lru_cache(maxsize=64)
def library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 15))
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def _days_of(year: int):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _library_rest_days(year: int) -> frozenset[dt.date]:
    return frozenset(d for d in _days_of(year) if not chinese_calendar.is_workday(d))


@lru_cache(maxsize=256)
def _estimated_rest_days(year: int) -> frozenset[dt.date]:
    return frozenset(d for d in _days_of(year) if d.weekday() >= 5) | frozenset(
        statutory_rest_days(year))


def _scheduled_rest_days(rows) -> frozenset[dt.date]:
    holidays = {d for d, working in rows if not working}
    workdays = {d for d, working in rows if working}
    year = rows[0][0].year
    return frozenset(d for d in _days_of(year) if d.weekday() >= 5 and d not in workdays) | \
        frozenset(holidays)


class _Calendar:
    """The rest days and source of each year one computation touches, each year read once."""

    def __init__(self):
        self._years: dict[int, tuple[str, frozenset[dt.date]]] = {}

    def year(self, year: int) -> tuple[str, frozenset[dt.date]]:
        if year not in self._years:
            self._years[year] = self._load(year)
        return self._years[year]

    @staticmethod
    def _load(year: int) -> tuple[str, frozenset[dt.date]]:
        if library_knows(year):
            return SOURCE_LIBRARY, _library_rest_days(year)
        rows = list(HolidayScheduleDay.objects.filter(schedule__year=year)
                    .values_list("date", "is_working_day"))
        if rows:
            return SOURCE_SCHEDULE, _scheduled_rest_days(rows)
        return SOURCE_ESTIMATE, _estimated_rest_days(year)

    def is_working(self, day: dt.date) -> bool:
        return day not in self.year(day.year)[1]


_shared: ContextVar[_Calendar | None] = ContextVar("workdays_calendar", default=None)


def _calendar() -> _Calendar:
    return _shared.get() or _Calendar()


@contextmanager
def one_calendar():
    """Inside the block every computation here shares one calendar, so a page counting many
    deadlines reads each year's imported schedule once, not once per deadline (the account
    page's to-dos, ``core/todos.py``). Nested blocks keep the outer calendar."""
    if _shared.get() is not None:
        yield
        return
    token = _shared.set(_Calendar())
    try:
        yield
    finally:
        _shared.reset(token)


def calendar_source(year: int) -> str:
    """Where ``year``'s days come from: ``"chinese-calendar"``, ``"schedule"`` (imported) or
    ``"estimate"`` (the statutory estimate)."""
    return _calendar().year(year)[0]


def calendar_basis(*dates) -> str:
    """``"estimate"`` if any of ``dates`` (dates or datetimes, ``None`` ignored) lies in a year
    counted by the statutory estimate, else ``"official"``."""
    calendar = _calendar()
    for value in dates:
        if value is not None and calendar.year(_as_date(value).year)[0] == SOURCE_ESTIMATE:
            return ESTIMATE
    return OFFICIAL


def calendar_note(*dates) -> str:
    """The note a page shows beside deadlines: which basis they rest on (``calendar_basis``);
    ``""`` when no date is given."""
    if all(value is None for value in dates):
        return ""
    return str(ESTIMATE_NOTE if calendar_basis(*dates) == ESTIMATE else OFFICIAL_NOTE)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def is_working_day(d) -> bool:
    """Is ``d`` (a date or datetime) a Chinese working day?"""
    return _calendar().is_working(_as_date(d))


def add_working_days(start, n: int):
    """``start`` moved forward by ``n`` working days (day one = the next working day after
    ``start``). A datetime keeps its local time of day and its awareness; a date stays a date.
    ``n <= 0`` returns ``start`` unchanged."""
    if n <= 0:
        return start
    calendar = _calendar()
    day = _as_date(start)
    counted = 0
    for _i in range(_MAX_SCAN_DAYS):
        day += dt.timedelta(days=1)
        if calendar.is_working(day):
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
    calendar = _calendar()
    count = 0
    day = da
    while day < db:
        day += dt.timedelta(days=1)
        if calendar.is_working(day):
            count += 1
    return count
