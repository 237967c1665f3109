"""Dates and times typed by people or clients: one bounded parser for the whole platform.

Every deadline on the platform lies within a few years of today; a date outside
``[today − PAST_YEARS, today + FUTURE_YEARS]`` is refused before anything counts working days
over it (counting day by day to year 9999 cost 16 s of CPU per request). Impossible dates
(``2027-02-30``), malformed text and values of the wrong type give ``ValidationFailed`` naming
the field, never a 500.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

FUTURE_YEARS = 5
PAST_YEARS = 5


def bounds(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return (now - dt.timedelta(days=365 * PAST_YEARS), now + dt.timedelta(days=365 * FUTURE_YEARS))


def check_within_bounds(value: dt.datetime | dt.date, *, field: str,
                        now: dt.datetime | None = None, past: bool = True) -> None:
    """Refuse a moment more than ``FUTURE_YEARS`` ahead or (with ``past``) ``PAST_YEARS``
    back. Comparing aware datetimes never overflows, even for year 1 or 9999."""
    lo, hi = bounds(now)
    if isinstance(value, dt.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    else:
        moment = timezone.make_aware(dt.datetime.combine(value, dt.time(12)))
    if moment > hi or (past and moment < lo):
        raise ValidationFailed(
            _("Enter a date within %(years)d years of today.") % {"years": FUTURE_YEARS},
            code="out_of_range", field=field)


def validate_not_too_far_ahead(value: dt.datetime | dt.date | None) -> None:
    """Model-field validator: a deadline at most ``FUTURE_YEARS`` ahead. Only the upper bound,
    so a stored deadline never becomes invalid as time passes (the posting rules say whether it
    has passed). Run by ``full_clean`` and by the form and the API serializer built on the
    model, so each refuses with a field error."""
    if value is None:
        return
    try:
        check_within_bounds(value, field="value", now=None, past=False)
    except ValidationFailed as exc:
        raise ValidationError(str(exc), code="out_of_range") from None


def parse_moment(value, *, field: str, now: dt.datetime | None = None) -> dt.datetime:
    """``value`` (ISO text such as ``2027-01-04T17:00`` or a datetime) as an aware datetime in
    the platform's time zone when naive, within the bounds."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and 0 < len(value.strip()) <= 40:
        try:
            moment = parse_datetime(value.strip())
        except ValueError:  # well formed but impossible, e.g. 2027-02-30T17:00
            moment = None
        if moment is None:
            raise ValidationFailed(_("Enter a valid date and time, e.g. 2027-01-04 17:00."),
                                   code="invalid_date", field=field)
    else:
        raise ValidationFailed(_("Enter a valid date and time, e.g. 2027-01-04 17:00."),
                               code="invalid_date", field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    check_within_bounds(moment, field=field, now=now)
    return moment


def parse_day(value, *, field: str, now: dt.datetime | None = None) -> dt.date:
    """``value`` (``2027-01-04`` or a date) as a date within the bounds."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and 0 < len(value.strip()) <= 20:
        try:
            day = parse_date(value.strip())
        except ValueError:
            day = None
        if day is None:
            raise ValidationFailed(_("Enter a valid date, e.g. 2027-01-04."),
                                   code="invalid_date", field=field)
    else:
        raise ValidationFailed(_("Enter a valid date, e.g. 2027-01-04."), code="invalid_date",
                               field=field)
    check_within_bounds(day, field=field, now=now)
    return day
