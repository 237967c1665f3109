"""Writes of the working-day calendar (R13, docs/design.md "Working days"): the State Council's
holiday schedule for a year chinese-calendar does not know yet, imported by a regulator through
``manage.py import_holiday_schedule`` or the admin. Both call ``holiday_schedule_import``.

Dates are written as ``YYYY-MM-DD`` and ranges as ``YYYY-MM-DD..YYYY-MM-DD`` (``~`` works
too), separated by commas, spaces or new lines.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ValidationFailed
from core.locking import lock
from core.models import HolidaySchedule, HolidayScheduleDay
from core.permissions import require_perm
from core.workdays import library_knows

_DATE = r"\d{4}-\d{2}-\d{2}"
_TOKEN = re.compile(rf"^({_DATE})(?:(?:\.\.|~)({_DATE}))?$")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_days(text: str, *, field: str) -> list[dt.date]:
    """The dates of a list like ``2027-01-01, 2027-02-05..2027-02-11``, sorted, without
    repeats; ``ValidationFailed`` on ``field`` for anything that is not a date or a range."""
    days: set[dt.date] = set()
    for token in _SEPARATORS.split((text or "").strip()):
        if not token:
            continue
        match = _TOKEN.match(token)
        try:
            first = dt.date.fromisoformat(match.group(1)) if match else None
            last = dt.date.fromisoformat(match.group(2)) if match and match.group(2) else first
        except ValueError:
            first = None
        if first is None:
            raise ValidationFailed(_(
                "“%(token)s” is not a date: write YYYY-MM-DD, or a range "
                "YYYY-MM-DD..YYYY-MM-DD.") % {"token": token}, field=field)
        if last < first:
            raise ValidationFailed(_("The range “%(token)s” ends before it starts.")
                                   % {"token": token}, field=field)
        while first <= last:
            days.add(first)
            first += dt.timedelta(days=1)
    return sorted(days)


def format_days(days: Iterable[dt.date]) -> str:
    """The inverse of ``parse_days``: consecutive dates as ranges."""
    out: list[str] = []
    run: list[dt.date] = []
    for day in sorted(days):
        if run and day == run[-1] + dt.timedelta(days=1):
            run.append(day)
            continue
        if run:
            out.append(_run(run))
        run = [day]
    if run:
        out.append(_run(run))
    return ", ".join(out)


def _run(run: list[dt.date]) -> str:
    return run[0].isoformat() if len(run) == 1 else f"{run[0]}..{run[-1]}"


def _as_days(value, *, field: str) -> list[dt.date]:
    if isinstance(value, str):
        return parse_days(value, field=field)
    return sorted(set(value or ()))


def _checked(*, year, document, published_on, holidays, workdays, today):
    if not isinstance(year, int) or not 1901 <= year <= 2099:
        raise ValidationFailed(_("Give a year between 1901 and 2099."), field="year")
    if library_knows(year):
        raise ValidationFailed(_(
            "chinese-calendar already carries the State Council's schedule for %(year)s; it is "
            "used as it is and is not imported.") % {"year": year}, field="year")
    document = (document or "").strip()
    if not document:
        raise ValidationFailed(_("Give the number of the State Council's notice "
                                 "(e.g. 国办发明电〔2027〕1号)."), field="document")
    if len(document) > 200:
        raise ValidationFailed(_("The document number is too long."), field="document")
    if not isinstance(published_on, dt.date):
        raise ValidationFailed(_("Give the date the notice was published."),
                               field="published_on")
    if published_on > today:
        raise ValidationFailed(_("The notice's publication date cannot be in the future."),
                               field="published_on")
    holidays = _as_days(holidays, field="holidays")
    workdays = _as_days(workdays, field="workdays")
    if not holidays:
        raise ValidationFailed(_("Give at least one holiday."), field="holidays")
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        outside = [d for d in days if d.year != year]
        if outside:
            raise ValidationFailed(_("%(date)s is not in %(year)s.")
                                   % {"date": outside[0], "year": year}, field=field)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise ValidationFailed(_("These dates are given both as holidays and as make-up "
                                 "working days: %(dates)s.") % {"dates": format_days(both)},
                               field="workdays")
    weekdays = [d for d in workdays if d.weekday() < 5]
    if weekdays:
        raise ValidationFailed(_("A make-up working day is a Saturday or Sunday that is worked; "
                                 "%(date)s is a weekday.") % {"date": weekdays[0]},
                               field="workdays")
    return document, holidays, workdays


def _summary(schedule: HolidaySchedule, holidays, workdays) -> dict:
    return {"year": schedule.year, "document": schedule.document,
            "published_on": schedule.published_on.isoformat() if schedule.published_on else "",
            "holidays": format_days(holidays), "workdays": format_days(workdays)}


@transaction.atomic
def holiday_schedule_import(*, actor, year: int, document: str, published_on: dt.date,
                            holidays, workdays=(), replace: bool = False,
                            today: dt.date | None = None) -> HolidaySchedule:
    """Import the State Council's holiday schedule for ``year`` (R13): its holidays and its
    make-up working days (weekend days worked), each a list of dates or a text
    ``parse_days`` reads. Refused, with nothing saved: a year chinese-calendar knows, a
    malformed date, a date outside the year, a date given as both, a weekday given as a
    make-up working day, and a year already imported unless ``replace``."""
    require_perm(actor, "core.edit_calendar")
    document, holidays, workdays = _checked(
        year=year, document=document, published_on=published_on, holidays=holidays,
        workdays=workdays, today=today or timezone.localdate())
    existing = HolidaySchedule.objects.filter(year=year).first()
    if existing is not None and not replace:
        raise ValidationFailed(_(
            "A schedule for %(year)s is already imported (%(document)s); replace it to change "
            "it.") % {"year": year, "document": existing.document or "—"}, field="year")
    before = None
    if existing is not None:
        schedule = lock(HolidaySchedule, existing)
        old = list(schedule.days.values_list("date", "is_working_day"))
        before = _summary(schedule, [d for d, w in old if not w], [d for d, w in old if w])
        schedule.days.all().delete()
        schedule.document, schedule.published_on = document, published_on
        schedule.imported_at = timezone.now()
        schedule.save(update_fields=["document", "published_on", "imported_at"])
    else:
        schedule = HolidaySchedule.objects.create(year=year, document=document,
                                                  published_on=published_on)
    HolidayScheduleDay.objects.bulk_create(
        [HolidayScheduleDay(schedule=schedule, date=d, is_working_day=False) for d in holidays]
        + [HolidayScheduleDay(schedule=schedule, date=d, is_working_day=True) for d in workdays])
    after = _summary(schedule, holidays, workdays)
    if before is None:
        audit_record(actor=actor, action="calendar.schedule_imported", obj=schedule, data=after)
    else:
        audit_record(actor=actor, action="calendar.schedule_replaced", obj=schedule,
                     data={"before": before, "after": after})
    return schedule


@transaction.atomic
def holiday_schedule_delete(*, actor, schedule: HolidaySchedule) -> None:
    """Remove an imported schedule: its year goes back to the statutory estimate."""
    require_perm(actor, "core.edit_calendar")
    schedule = lock(HolidaySchedule, schedule, missing=_("No such holiday schedule."))
    days = list(schedule.days.values_list("date", "is_working_day"))
    data = _summary(schedule, [d for d, w in days if not w], [d for d, w in days if w])
    pk = schedule.pk
    schedule.delete()
    audit_record(actor=actor, action="calendar.schedule_deleted",
                 object_type="core.holidayschedule", object_id=str(pk), data=data)
