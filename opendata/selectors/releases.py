"""Reading the OCDS releases (docs/architecture.md, "Open data"): the API's filtered list and
the rows of one ocid. Filters are parsed here, once, for the API and the bulk files alike; a
bad value is a ``ValidationFailed`` naming it (a 400, never a 500)."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from bidding.models import Project
from core.errors import ValidationFailed
from core.regions import region_lookup, within_region
from opendata.models import Release


def _is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-"


def parse_moment(value: str, *, field: str, end: bool = False) -> dt.datetime:
    """An ISO 8601 date (the whole day: its start, or with ``end`` the next day's start) or
    date-time (naive ones in the site's time zone)."""
    text = (value or "").strip()
    try:
        # a bare date first: parse_datetime would take "2026-01-31" for its midnight
        day = parse_date(text) if _is_date(text) else None
        moment = None if day else parse_datetime(text)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise ValidationFailed(_("Expected an ISO 8601 date or date-time, like 2026-01-31 or "
                                 "2026-01-31T08:00:00+08:00."), field=field,
                               fields={field: [_("Not a date: %(value)s") % {"value": text[:40]}]})
    if moment is None:
        moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def releases_filtered(*, since: str = "", until: str = "", item: str = "", region: str = "",
                      method: str = "", status: str = "") -> QuerySet[Release]:
    """Releases, oldest first, dated from ``since`` (inclusive) to ``until`` (a date: that whole
    day included), of projects of a catalogue ``item`` id, located in ``region`` (GB/T 2260 code,
    any level, regions under it included), selected by ``method`` or now in ``status``."""
    qs = Release.objects.all()
    if since:
        qs = qs.filter(date__gte=parse_moment(since, field="since"))
    if until:
        end = parse_moment(until, field="until", end=True)
        qs = qs.filter(date__lt=end) if _is_date(until.strip()) else qs.filter(date__lte=end)
    if item:
        if not item.strip().isdigit():
            raise ValidationFailed(_("Expected a catalogue item id."), field="item",
                                   fields={"item": [_("Expected a catalogue item id.")]})
        qs = qs.filter(project__item_id=int(item))
    if region:
        qs = qs.filter(within_region(region_lookup(region), "project__region"))
    if method:
        if method not in Project.Method.values:
            raise ValidationFailed(_("Unknown selection method."), field="method",
                                   fields={"method": [_("Unknown selection method.")]})
        qs = qs.filter(project__method=method)
    if status:
        if status not in Project.Status.values:
            raise ValidationFailed(_("Unknown project status."), field="status",
                                   fields={"status": [_("Unknown project status.")]})
        qs = qs.filter(project__status=status)
    return qs.order_by("date", "pk")


def releases_of(ocid: str) -> list[Release]:
    return list(Release.objects.filter(ocid=ocid).order_by("date", "pk"))
