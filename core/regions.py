"""China's administrative divisions (GB/T 2260) at every level, from python-stdnum's data.

``stdnum.numdb.get("cn/loc")`` (the file ``stdnum/cn/loc.dat``, kept up to date by the
python-stdnum maintainers) lists every province, prefecture-level city and county code with the
years each name was in use: ``[1983-]洪山区`` (since 1983), ``[-2010]崇文区`` (abolished in 2010),
``[-1991]东郊区,[1992-]东丽区`` (renamed). ``region_rows`` reads it into one row per code:

- the current (last) name, the first year and, for an abolished code, the last year in use;
- no row for groupings that are not regions a person picks: the municipalities' ``市辖区`` and
  ``县`` (北京, 天津, 上海, 重庆), a city's own ``市辖区``, the ``省直辖县级行政单位`` of a province;
  the counties under them hang under the province;
- a county's parent is its city when that city is a row, else its province.

``ensure_regions`` creates the rows that are missing (the data migration, and tests that flush
the tables); ``region_lookup`` resolves a code for a form or the API, refusing an unknown or an
abolished code with a message naming it. Filters use ``around_region`` / ``within_region``
(code prefixes: one indexed query, no recursion). Regions never exclude anyone (R1, R3).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.db.models import Q
from django.utils.translation import gettext as _
from stdnum import numdb

from core.errors import ValidationFailed
from core.models import Region

_SPAN = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")
# Groupings in the data that are not regions (their counties hang under the province).
_PSEUDO = re.compile(r"^(市辖区|县|市|省直辖.*|自治区直辖.*)$")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    valid_from: int | None
    valid_until: int | None


def _parse(text: str) -> tuple[str, int | None, int | None]:
    """``"[1983-2000]石灰窑区,[2001-]西塞山区"`` → ``("西塞山区", 1983, None)``."""
    spans = []
    for part in text.split(","):
        m = _SPAN.match(part.strip())
        if m:
            spans.append((m.group(3), m.group(1), m.group(2)))
        else:
            spans.append((part.strip(), None, None))
    first, last = spans[0], spans[-1]
    return last[0], int(first[1]) if first[1] else None, int(last[2]) if last[2] else None


@cache
def region_rows() -> tuple[RegionRow, ...]:
    """Every region of the data, provinces first, then cities, then counties, each in code order."""
    provinces, cities, counties = [], [], []
    for _length, low, _high, props, children in numdb.get("cn/loc").prefixes:
        province_code = f"{low}0000"
        own = next((c for c in children if c[1] == "0000"), None)
        name, since, until = _parse(own[3]["county"] if own else props["province"])
        provinces.append(RegionRow(province_code, name, Region.Level.PROVINCE, None,
                                   since, until))
        entries = {c[1]: _parse(c[3]["county"]) for c in children if c[1] != "0000"}
        real_cities = set()
        for sub, (name, since, until) in sorted(entries.items()):
            if sub.endswith("00") and not _PSEUDO.match(name):
                real_cities.add(sub)
                cities.append(RegionRow(f"{low}{sub}", name, Region.Level.CITY, province_code,
                                        since, until))
        for sub, (name, since, until) in sorted(entries.items()):
            if sub.endswith("00") or _PSEUDO.match(name):
                continue
            city = sub[:2] + "00"
            parent = f"{low}{city}" if city in real_cities else province_code
            counties.append(RegionRow(f"{low}{sub}", name, Region.Level.COUNTY, parent,
                                      since, until))
    return (*provinces, *cities, *counties)


PROVINCES = [(r.code, r.name) for r in region_rows() if r.level == Region.Level.PROVINCE]


def regions_loaded(region_model=None) -> bool:
    """Whether every region of the data is in the table (one COUNT)."""
    return (region_model or Region).objects.count() >= len(region_rows())


def ensure_regions(region_model=None, *, refresh: bool = False) -> None:
    """Create the regions that are missing, parents first (three bulk inserts at most). Rows
    already there keep their primary key (foreign keys point at them); with ``refresh`` their
    level, parent and years are brought in line with the data too (the data migration)."""
    model = region_model or Region
    existing = dict(model.objects.values_list("code", "pk"))
    if len(existing) >= len(region_rows()) and not refresh:
        return
    for level in (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY):
        new = [model(code=r.code, name=r.name, level=r.level, valid_from=r.valid_from,
                     valid_until=r.valid_until, parent_id=existing.get(r.parent_code))
               for r in region_rows() if r.level == level and r.code not in existing]
        if new:
            model.objects.bulk_create(new, batch_size=1000)
            existing = dict(model.objects.values_list("code", "pk"))
    if refresh:
        rows = {r.code: r for r in region_rows()}
        stale = []
        for obj in model.objects.filter(code__in=list(rows)):
            r = rows[obj.code]
            want = (r.level, existing.get(r.parent_code), r.valid_from, r.valid_until)
            if (obj.level, obj.parent_id, obj.valid_from, obj.valid_until) != want:
                obj.level, obj.parent_id, obj.valid_from, obj.valid_until = want
                stale.append(obj)
        model.objects.bulk_update(stale, ["level", "parent", "valid_from", "valid_until"],
                                  batch_size=500)


def retired_message(region: Region) -> str:
    if region.valid_until:
        return _("The region code %(code)s (%(name)s) was abolished in %(year)s; choose the "
                 "region that replaced it.") % {"code": region.code, "name": region.name,
                                                "year": region.valid_until}
    return _("The region code %(code)s (%(name)s) was abolished; choose the region that "
             "replaced it.") % {"code": region.code, "name": region.name}


def unknown_message(code: str) -> str:
    return _("Unknown region code: %(codes)s") % {"codes": code}


def refuse_retired(regions, *, field: str) -> None:
    """``ValidationFailed`` naming the first abolished region among ``regions`` (services check
    what they are given, whoever built it)."""
    for region in regions:
        if region is not None and region.is_retired:
            raise ValidationFailed(retired_message(region), field=field)


def region_lookup(code, *, field: str = "region", allow_retired: bool = False) -> Region:
    """The current region with this code, or ``ValidationFailed`` naming the code: unknown, or
    abolished (with the year, when the data gives it)."""
    text = str(code).strip() if isinstance(code, (str, int)) else ""
    region = Region.objects.filter(code=text).first() if text.isdigit() else None
    if region is None:
        raise ValidationFailed(unknown_message(text[:20]), field=field)
    if region.is_retired and not allow_retired:
        raise ValidationFailed(retired_message(region), field=field)
    return region


def regions_lookup(codes, *, field: str) -> list[Region]:
    """The current regions with these codes (one query), in the order given; the first unknown
    or abolished code is refused by name."""
    codes = [str(c).strip() for c in codes]
    found = {r.code: r for r in Region.objects.filter(code__in=set(codes))}
    for code in codes:
        region = found.get(code)
        if region is None:
            raise ValidationFailed(unknown_message(code[:20]), field=field)
        if region.is_retired:
            raise ValidationFailed(retired_message(region), field=field)
    return list(dict.fromkeys(found[c] for c in codes))


def current_regions():
    """Regions still in use, in code order."""
    return Region.objects.filter(valid_until__isnull=True).order_by("code")


def within_region(region: Region, field: str = "") -> Q:
    """``Q`` for ``region`` itself and every region under it, on ``<field>__code`` (or a Region
    queryset's own code when ``field`` is empty)."""
    key = f"{field}__code__startswith" if field else "code__startswith"
    return Q(**{key: region.prefix})


def region_covers(region: Region | None, other: Region | None) -> bool:
    """Does a jurisdiction over ``region`` (None: everywhere) include ``other`` (None: a thing
    placed nowhere, which only the regulators over everywhere handle)? ``within_region``'s
    prefix rule, for one object in hand (permissions)."""
    if region is None:
        return True
    return other is not None and other.code.startswith(region.prefix)


def around_region(region: Region, field: str = "") -> Q:
    """``Q`` for ``region``, every region under it and the province and city above it."""
    key = f"{field}__code__in" if field else "code__in"
    return within_region(region, field) | Q(**{key: region.ancestor_codes})
