"""Writes of the working-day calendar (R13): holidays and make-up working days an administrator
enters for years the calendar library does not know."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ValidationFailed
from core.locking import lock
from core.models import Holiday
from core.permissions import require_perm


@transaction.atomic
def holiday_save(*, actor, holiday=None, date, is_working_day: bool, name: str = "") -> Holiday:
    """Enter or change a holiday or make-up working day (R13) for years the calendar library
    does not know."""
    require_perm(actor, "core.edit_calendar")
    if holiday is None:
        if Holiday.objects.filter(date=date).exists():
            raise ValidationFailed(_("This date is already in the calendar."), field="date")
        holiday = Holiday.objects.create(date=date, is_working_day=is_working_day, name=name)
        audit_record(actor=actor, action="calendar.day_added", obj=holiday, data={
            "date": date, "is_working_day": is_working_day, "name": name})
        return holiday
    holiday = lock(Holiday, holiday)
    before = {"date": holiday.date, "is_working_day": holiday.is_working_day,
              "name": holiday.name}
    holiday.date, holiday.is_working_day, holiday.name = date, is_working_day, name
    holiday.save()
    after = {"date": date, "is_working_day": is_working_day, "name": name}
    audit_record(actor=actor, action="calendar.day_changed", obj=holiday, data={
        "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return holiday


@transaction.atomic
def holiday_delete(*, actor, holiday) -> None:
    require_perm(actor, "core.edit_calendar")
    holiday = lock(Holiday, holiday)
    data = {"date": holiday.date, "is_working_day": holiday.is_working_day, "name": holiday.name}
    pk = holiday.pk
    holiday.delete()
    audit_record(actor=actor, action="calendar.day_deleted", object_type="core.holiday",
                 object_id=str(pk), data=data)
