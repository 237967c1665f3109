import datetime as dt
import zoneinfo

import chinese_calendar
import pytest
from django.urls import reverse
from lunar_python import Solar

from bidding.services.postings import project_publish
from core.errors import ValidationFailed
from core.services.calendar import holiday_schedule_import
from core.workdays import (
    ESTIMATE_NOTE,
    OFFICIAL_NOTE,
    add_working_days,
    calendar_basis,
    calendar_note,
    calendar_source,
    is_working_day,
    regulation_for,
    statutory_holidays,
    statutory_rest_days,
    working_days_between,
)
from tests.factories import bidding as bf

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = dt.date


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


# --- the statutory holidays (《全国年节及纪念日放假办法》 Art. 2 and Art. 6) ----------------------
def _days(year):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", range(2020, 2027))
def test_every_statutory_day_of_a_year_chinese_calendar_knows_is_its_holiday_of_that_name(year):
    assert regulation_for(year).version == ("2024" if year >= 2025 else "2013")
    holidays = statutory_holidays(year)
    assert len(holidays) == (13 if year >= 2025 else 11)  # 4 + 2 days, or 3 + 1
    for day, code in holidays:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        same_day = {chinese_calendar.Holiday[c].value for d, c in holidays if d == day}
        assert on_holiday and name in same_day and (
            name == chinese_calendar.Holiday[code].value or len(same_day) > 1), (day, code, name)
    # The make-up days off (补假) for holidays on a weekend were days off in each of these years.
    for day in statutory_rest_days(year):
        assert chinese_calendar.is_holiday(day), day


@pytest.mark.parametrize("year", range(2020, 2027))
def test_is_working_day_is_chinese_calendar_for_every_day_of_the_years_it_knows(year):
    assert calendar_source(year) == "chinese-calendar"
    for day in _days(year):
        assert is_working_day(day) is chinese_calendar.is_workday(day), day


def test_new_years_eve_is_a_holiday_from_2025_on_and_may_the_second_too():
    assert (D(2024, 2, 9), "spring_festival") not in statutory_holidays(2024)  # 2013 version
    assert (D(2024, 5, 2), "labour_day") not in statutory_holidays(2024)
    assert (D(2025, 1, 28), "spring_festival") in statutory_holidays(2025)  # 除夕, 2024 version
    assert (D(2025, 5, 2), "labour_day") in statutory_holidays(2025)


# From the published lunar calendar: 正月初一, 端午 and 中秋 as in the tables of python-holidays
# (holidays/calendars/chinese.py, an independent source), 清明 as its Qingming rule gives
# (4 April when year % 4 < 2 since 2009, else 5 April); 除夕 is the day before 正月初一.
PUBLISHED = {
    2027: {"new_year": D(2027, 2, 6), "qingming": D(2027, 4, 5), "duanwu": D(2027, 6, 9),
           "zhongqiu": D(2027, 9, 15)},
    2028: {"new_year": D(2028, 1, 26), "qingming": D(2028, 4, 4), "duanwu": D(2028, 5, 28),
           "zhongqiu": D(2028, 10, 3)},
    2029: {"new_year": D(2029, 2, 13), "qingming": D(2029, 4, 4), "duanwu": D(2029, 6, 16),
           "zhongqiu": D(2029, 9, 22)},
    2030: {"new_year": D(2030, 2, 3), "qingming": D(2030, 4, 5), "duanwu": D(2030, 6, 5),
           "zhongqiu": D(2030, 9, 12)},
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_statutory_days_of_2027_to_2030_are_those_of_the_published_lunar_calendar(year):
    p = PUBLISHED[year]
    one = dt.timedelta(days=1)
    expected = sorted([
        (D(year, 1, 1), "new_years_day"),
        (p["new_year"] - one, "spring_festival"), (p["new_year"], "spring_festival"),
        (p["new_year"] + one, "spring_festival"), (p["new_year"] + 2 * one, "spring_festival"),
        (p["qingming"], "tomb_sweeping_day"),
        (D(year, 5, 1), "labour_day"), (D(year, 5, 2), "labour_day"),
        (p["duanwu"], "dragon_boat_festival"), (p["zhongqiu"], "mid_autumn_festival"),
        (D(year, 10, 1), "national_day"), (D(year, 10, 2), "national_day"),
        (D(year, 10, 3), "national_day"),
    ])
    assert list(statutory_holidays(year)) == expected
    eve = Solar.fromYmd(*(p["new_year"] - one).timetuple()[:3]).getLunar()
    assert eve.getMonth() == 12 and eve.getDay() in (29, 30)  # the last day of the 12th month
    assert Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"].toYmd() == \
        p["qingming"].isoformat()


def test_2027_holidays_on_a_weekend_are_made_up_on_the_next_working_day():
    made_up = sorted(set(statutory_rest_days(2027)) - {d for d, _c in statutory_holidays(2027)})
    # 初一/初二 on Sat 6 / Sun 7 Feb; 1–2 May a Saturday and Sunday; 2–3 October likewise.
    assert made_up == [D(2027, 2, 9), D(2027, 2, 10), D(2027, 5, 3), D(2027, 5, 4),
                       D(2027, 10, 4), D(2027, 10, 5)]


@pytest.mark.django_db
@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_is_working_day_follows_the_statutory_estimate_where_nothing_official_exists(year):
    assert calendar_source(year) == "estimate"
    rest = statutory_rest_days(year)
    for day in _days(year):
        assert is_working_day(day) is (day.weekday() < 5 and day not in rest), day


@pytest.mark.django_db
def test_new_years_day_2027_is_not_a_working_day_and_the_note_says_estimate():
    # Tue 29 Dec 2026 + 3: Wed 30, Thu 31, (Fri 1 Jan 元旦, weekend), Mon 4 Jan.
    assert add_working_days(D(2026, 12, 29), 3) == D(2027, 1, 4)
    assert calendar_basis(D(2026, 12, 29), D(2027, 1, 4)) == "estimate"
    assert calendar_note(D(2026, 12, 29), D(2027, 1, 4)) == str(ESTIMATE_NOTE)
    assert calendar_basis(D(2026, 12, 29), None) == "official"
    assert calendar_note(D(2026, 12, 29), None) == str(OFFICIAL_NOTE)
    assert calendar_note(None) == ""


def _import_2027(**overrides):
    """A made-up 2027 schedule in the State Council's usual shape (the real one is not out):
    a break of eight days from 除夕, Saturday 20 February worked."""
    data = dict(actor=None, year=2027, document="国办发明电〔2026〕99号",
                published_on=D(2026, 11, 20),
                holidays="2027-01-01..2027-01-03, 2027-02-05..2027-02-12",
                workdays="2027-02-20")
    data.update(overrides)
    return holiday_schedule_import(**data)


@pytest.mark.django_db
def test_an_imported_schedule_replaces_the_estimate_for_its_year():
    assert not is_working_day(D(2027, 5, 3))  # the estimate's 补假 for 1 May on a Saturday
    assert not is_working_day(D(2027, 2, 9)) and is_working_day(D(2027, 2, 11))
    _import_2027()
    assert calendar_source(2027) == "schedule"
    assert calendar_basis(D(2027, 2, 1)) == "official"
    assert not is_working_day(D(2027, 2, 11))  # inside the scheduled break
    assert is_working_day(D(2027, 2, 20))  # the make-up Saturday
    assert is_working_day(D(2027, 5, 3))  # the schedule says nothing of May: a plain Monday
    assert add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 15)
    assert calendar_source(2028) == "estimate"


# --- through the posting service and the project page --------------------------------------
@pytest.mark.django_db
def test_a_sign_up_across_the_2027_spring_festival_gets_its_deadline_on_the_page(client):
    """Published Thu 4 Feb 2027 at 10:00 with SIGNUP_MIN_WORKING_DAYS = 3: 除夕 Fri 5 to 初三
    Mon 8 are holidays, Tue 9 and Wed 10 make up 初一 and 初二 (a weekend), so the three
    working days are Thu 11, Fri 12 and Mon 15 February."""
    owner = bf.purchaser()
    published = dt.datetime(2027, 2, 4, 10, 0, tzinfo=SHANGHAI)
    early = bf.draft(owner=owner, signup_deadline=dt.datetime(2027, 2, 12, 17, 0, tzinfo=SHANGHAI),
                     selection_at=dt.datetime(2027, 2, 16, 9, 30, tzinfo=SHANGHAI))
    with pytest.raises(ValidationFailed) as refused:
        project_publish(actor=owner, project=early, now=published)
    assert "2027-02-15 10:00" in refused.value.fields["signup_deadline"][0]

    project = bf.draft(owner=owner,
                       signup_deadline=dt.datetime(2027, 2, 15, 10, 0, tzinfo=SHANGHAI),
                       selection_at=dt.datetime(2027, 2, 16, 9, 30, tzinfo=SHANGHAI))
    project_publish(actor=owner, project=project, now=published)
    page = client.get(reverse("bidding:project-detail", args=[project.pk])).content.decode()
    assert 'data-calendar-source="estimate"' in page
    assert "按《全国年节及纪念日放假办法》法定节假日估算，未含调休" in page
    assert "发布后第 3 个工作日" in page

    _import_2027()  # the State Council's schedule arrives: 5–12 February off
    page = client.get(reverse("bidding:project-detail", args=[project.pk])).content.decode()
    assert 'data-calendar-source="official"' in page and "按国务院放假安排计算" in page
    assert "估算" not in page and "发布后第 1 个工作日" in page
    assert working_days_between(published, project.signup_deadline) == 1  # Mon 15 only
