import datetime as dt
import zoneinfo

import pytest

from core.models import Holiday
from core.workdays import (
    FALLBACK_NOTE,
    add_working_days,
    calendar_note,
    calendar_source,
    is_working_day,
    working_days_between,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_spring_festival_2026_weekdays_are_holidays_and_the_tiaoxiu_saturday_is_worked():
    assert calendar_source(2026) == "chinese-calendar"
    assert not is_working_day(dt.date(2026, 2, 17))  # Tuesday, Spring Festival
    assert not is_working_day(dt.date(2026, 2, 23))  # Monday, still the holiday
    assert is_working_day(dt.date(2026, 2, 14))  # Saturday, 调休 make-up working day
    assert is_working_day(dt.date(2026, 2, 28))  # Saturday, 调休


def test_adding_working_days_skips_the_spring_festival_and_counts_the_make_up_saturday():
    # Friday 13 Feb 2026 + 1 working day = Saturday 14 Feb (调休), + 2 = Tuesday 24 Feb.
    assert add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    assert add_working_days(dt.date(2026, 2, 13), 2) == dt.date(2026, 2, 24)


def test_adding_working_days_keeps_the_time_of_day_and_the_type():
    start = dt.datetime(2026, 2, 13, 17, 30, tzinfo=SHANGHAI)
    end = add_working_days(start, 2)
    assert isinstance(end, dt.datetime)
    assert end.astimezone(SHANGHAI) == dt.datetime(2026, 2, 24, 17, 30, tzinfo=SHANGHAI)
    assert add_working_days(start, 0) == start


def test_working_days_between_matches_add_working_days():
    a = dt.date(2026, 2, 10)
    for n in (1, 3, 7, 12):
        assert working_days_between(a, add_working_days(a, n)) == n
    assert working_days_between(dt.date(2026, 2, 24), dt.date(2026, 2, 13)) == -2


@pytest.mark.django_db
def test_an_unknown_year_falls_back_to_weekdays_plus_entered_holidays_without_crashing():
    assert calendar_source(2031) == "fallback"
    # 2031-01-01 is a Wednesday; without an entry it is a working day.
    assert is_working_day(dt.date(2031, 1, 1))
    Holiday.objects.create(date=dt.date(2031, 1, 1), name="元旦")
    Holiday.objects.create(date=dt.date(2031, 1, 4), name="调休", is_working_day=True)  # Saturday
    assert not is_working_day(dt.date(2031, 1, 1))
    assert is_working_day(dt.date(2031, 1, 4))
    assert not is_working_day(dt.date(2031, 1, 5))  # plain Sunday
    # Tuesday 31 Dec 2030 + 1 = Thu 2 Jan (1 Jan entered as a holiday); +3 = Sat 4 Jan (调休).
    assert add_working_days(dt.date(2030, 12, 31), 1) == dt.date(2031, 1, 2)
    assert add_working_days(dt.date(2030, 12, 31), 3) == dt.date(2031, 1, 4)


@pytest.mark.django_db
def test_the_fallback_note_is_given_only_for_dates_in_years_the_library_lacks():
    assert calendar_note(dt.date(2026, 3, 1), None) == ""
    assert calendar_note(dt.date(2026, 3, 1), dt.datetime(2031, 3, 1, tzinfo=SHANGHAI)) == str(
        FALLBACK_NOTE)
