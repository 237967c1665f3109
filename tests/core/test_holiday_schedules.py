"""Importing the State Council's holiday schedule (R13): one audited service, used by the
``import_holiday_schedule`` command and the admin form; every refusal names its field and saves
nothing."""
import datetime as dt
from importlib import import_module

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from core.errors import NotAllowed, ValidationFailed
from core.models import AuditEvent, HolidaySchedule
from core.services.calendar import (
    format_days,
    holiday_schedule_delete,
    holiday_schedule_import,
    parse_days,
)
from core.workdays import calendar_source, is_working_day
from tests.factories.core import purchaser_user, regulator_staff_user

D = dt.date
GOOD = dict(year=2027, document="国办发明电〔2026〕99号", published_on=D(2026, 11, 20),
            holidays="2027-01-01..2027-01-03, 2027-02-05..2027-02-12",
            workdays="2027-02-20")


def _import(**overrides):
    return holiday_schedule_import(actor=None, **{**GOOD, **overrides})


def test_dates_and_ranges_are_read_and_written_back_alike():
    days = parse_days("2027-02-05..2027-02-07，2027-01-01\n2027-10-01~2027-10-02 2027-01-01",
                      field="holidays")
    assert days == [D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7),
                    D(2027, 10, 1), D(2027, 10, 2)]
    assert format_days(days) == "2027-01-01, 2027-02-05..2027-02-07, 2027-10-01..2027-10-02"


@pytest.mark.django_db
def test_an_import_saves_the_days_and_is_audited():
    schedule = _import()
    assert schedule.document == "国办发明电〔2026〕99号"
    assert schedule.days.filter(is_working_day=False).count() == 11
    assert list(schedule.days.filter(is_working_day=True).values_list("date", flat=True)) == [
        D(2027, 2, 20)]
    event = AuditEvent.objects.get(action="calendar.schedule_imported")
    assert event.object_id == str(schedule.pk)
    assert event.data["holidays"] == "2027-01-01..2027-01-03, 2027-02-05..2027-02-12"
    assert calendar_source(2027) == "schedule"


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"holidays": "2027-02-30"}, "holidays", "is not a date"),
    ({"holidays": "2027/01/01"}, "holidays", "is not a date"),
    ({"holidays": "2027-02-12..2027-02-05"}, "holidays", "ends before it starts"),
    ({"holidays": "2027-01-01, 2028-01-01"}, "holidays", "is not in 2027"),
    ({"workdays": "2026-12-26"}, "workdays", "is not in 2027"),
    ({"workdays": "2027-02-06"}, "workdays", "both as holidays and as make-up"),
    ({"workdays": "2027-02-15"}, "workdays", "is a weekday"),
    ({"holidays": ""}, "holidays", "at least one holiday"),
    ({"year": 2026, "holidays": "2026-01-01", "workdays": ""}, "year", "chinese-calendar"),
    ({"document": "  "}, "document", "number of the State Council's notice"),
    ({"published_on": D(2099, 1, 1)}, "published_on", "future"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(overrides, field, words):
    with pytest.raises(ValidationFailed) as refused:
        _import(**overrides)
    assert field in refused.value.fields and words in str(refused.value)
    assert not HolidaySchedule.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


@pytest.mark.django_db
def test_a_second_import_of_a_year_needs_replace_which_swaps_every_day():
    _import()
    with pytest.raises(ValidationFailed) as refused:
        _import(holidays="2027-01-01")
    assert "already imported" in str(refused.value)
    assert is_working_day(D(2027, 2, 20))
    schedule = _import(document="国办发明电〔2026〕100号", holidays="2027-01-01", workdays="",
                       replace=True)
    assert [d.date for d in schedule.days.all()] == [D(2027, 1, 1)]
    assert not is_working_day(D(2027, 2, 20)) and is_working_day(D(2027, 2, 11))
    event = AuditEvent.objects.get(action="calendar.schedule_replaced")
    assert event.data["before"]["workdays"] == "2027-02-20"
    assert event.data["after"]["document"] == "国办发明电〔2026〕100号"


@pytest.mark.django_db
def test_only_regulators_import_or_delete_a_schedule():
    with pytest.raises(NotAllowed):
        holiday_schedule_import(actor=purchaser_user(), **GOOD)
    schedule = _import()
    with pytest.raises(NotAllowed):
        holiday_schedule_delete(actor=purchaser_user(), schedule=schedule)
    holiday_schedule_delete(actor=regulator_staff_user(), schedule=schedule)
    assert calendar_source(2027) == "estimate"
    assert AuditEvent.objects.filter(action="calendar.schedule_deleted").exists()


# --- the command -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_imports_the_published_dates(capsys):
    call_command("import_holiday_schedule", "--year", "2027", "--document", GOOD["document"],
                 "--published", "2026-11-20", "--holidays", GOOD["holidays"],
                 "--workdays", "2027-02-20")
    assert "11 holidays, 1 make-up working days" in capsys.readouterr().out
    assert HolidaySchedule.objects.get(year=2027).published_on == D(2026, 11, 20)


@pytest.mark.django_db
def test_the_command_reads_a_file(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("# 国务院办公厅关于2027年部分节假日安排的通知\nyear: 2027\n"
                    f"document: {GOOD['document']}\npublished: 2026-11-20\n"
                    "holidays: 2027-01-01..2027-01-03\nholidays: 2027-02-05..2027-02-12\n"
                    "workdays: 2027-02-20\n", encoding="utf-8")
    call_command("import_holiday_schedule", "--file", str(path))
    assert HolidaySchedule.objects.get(year=2027).days.count() == 12


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "words"), [
    (["--holidays", "2027-13-01"], "holidays:"),
    (["--workdays", "2027-02-06"], "workdays:"),
    (["--published", "20 Nov"], "published:"),
    (["--year", "2025"], "year:"),
])
def test_the_command_refuses_bad_input_saying_which_option(args, words):
    base = {"--year": "2027", "--document": GOOD["document"], "--published": "2026-11-20",
            "--holidays": GOOD["holidays"]}
    base.update(dict(zip(args[::2], args[1::2])))
    with pytest.raises(CommandError) as refused:
        call_command("import_holiday_schedule", *[x for kv in base.items() for x in kv])
    assert words in str(refused.value)
    assert not HolidaySchedule.objects.exists()


# --- the admin form ----------------------------------------------------------------------------
@pytest.fixture
def regulator_client(client):
    client.force_login(regulator_staff_user())
    return client


def _form(**overrides):
    data = {"year": "2027", "document": GOOD["document"], "published_on": "2026-11-20",
            "holidays": "2027-01-01..2027-01-03\r\n2027-02-05..2027-02-12",
            "workdays": "2027-02-20"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_regulator_imports_and_replaces_a_schedule_in_the_admin(regulator_client):
    add = reverse("admin:core_holidayschedule_add")
    assert regulator_client.get(add).status_code == 200
    response = regulator_client.post(add, _form())
    assert response.status_code == 302
    schedule = HolidaySchedule.objects.get(year=2027)
    assert AuditEvent.objects.filter(action="calendar.schedule_imported",
                                     object_id=str(schedule.pk)).exists()
    change = reverse("admin:core_holidayschedule_change", args=[schedule.pk])
    page = regulator_client.get(change).content.decode()
    assert "2027-02-05..2027-02-12" in page
    response = regulator_client.post(change, _form(year="2031", workdays=""))
    assert response.status_code == 302
    assert HolidaySchedule.objects.get().year == 2027  # the year is fixed on a replace
    assert not schedule.days.filter(is_working_day=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "words"), [
    ({"holidays": "2027-02-05..2027-02-31"}, "不是日期"),
    ({"workdays": "2027-02-06"}, "同时被填为放假日和调休上班日"),
    ({"holidays": "2028-01-01"}, "不在2027年内"),
    ({"year": "2026"}, "chinese-calendar 已包含"),
])
def test_the_admin_form_shows_refusals_on_their_fields(regulator_client, overrides, words):
    response = regulator_client.post(reverse("admin:core_holidayschedule_add"),
                                     _form(**overrides), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not HolidaySchedule.objects.exists()


@pytest.mark.django_db
def test_a_purchaser_cannot_reach_the_schedule_admin(client):
    client.force_login(purchaser_user())
    response = client.post(reverse("admin:core_holidayschedule_add"), _form())
    assert response.status_code == 302 and not HolidaySchedule.objects.exists()


# --- the migration from the per-day calendar ---------------------------------------------------
@pytest.mark.django_db
def test_days_entered_before_schedules_existed_are_kept_as_a_schedule_per_year():
    """core 0004's data step (``days_to_schedules``) on the models as its ``RunPython`` sees
    them: the state after 0003 plus 0004's new models, with the old per-day table created for
    the test (and rolled back with it). Migrating the database back to 0003 and forward again
    took 40–55 s, since every app depends on core."""
    loader = MigrationLoader(connection)
    state = loader.project_state([("core", "0003_published_heads"),
                                  ("auth", "0012_alter_user_first_name_max_length"),
                                  ("contenttypes", "0002_remove_content_type_name")])
    migration = loader.get_migration("core", "0004_holiday_schedules")
    for operation in migration.operations:
        if isinstance(operation, migrations.CreateModel):
            operation.state_forwards("core", state)
    apps = state.apps
    Holiday = apps.get_model("core", "Holiday")
    sql, params = connection.schema_editor().table_sql(Holiday)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    Holiday.objects.create(date=D(2031, 1, 1), name="元旦")
    Holiday.objects.create(date=D(2031, 1, 4), name="调休", is_working_day=True)
    Holiday.objects.create(date=D(2032, 1, 1), name="元旦")
    import_module("core.migrations.0004_holiday_schedules").days_to_schedules(apps, None)
    schedules = {s.year: s for s in HolidaySchedule.objects.all()}
    assert sorted(schedules) == [2031, 2032]
    assert schedules[2031].document == "" and schedules[2031].published_on is None
    assert [(d.date, d.is_working_day, d.name) for d in schedules[2031].days.all()] == [
        (D(2031, 1, 1), False, "元旦"), (D(2031, 1, 4), True, "调休")]
    assert calendar_source(2031) == "schedule"
    assert not is_working_day(D(2031, 1, 1)) and is_working_day(D(2031, 1, 4))
    assert not is_working_day(D(2031, 1, 5))  # a plain Sunday
