"""Who oversees a place: the regulators whose jurisdiction covers a region, for the notices of
every app (docs/architecture.md, "Notifications"). The rule is the one
the permissions and queues apply (``core.regions.region_covers``: a regulator with no region
oversees everything, one with a region oversees it and every region under it), so a regulator
is told exactly about what its queues list."""
from __future__ import annotations

from django.db.models import Q

from core.models import Organisation, Region
from core.regions import region_covers


def regulators_covering(*regions: Region | None) -> list[Organisation]:
    """The regulator organisations whose jurisdiction covers any of ``regions`` (``None``: a
    thing placed nowhere, which only the regulators over everywhere handle), by primary key.
    One query: the candidates of the same provinces (or with no region), then the prefix rule."""
    near = Q(region__isnull=True)
    for code in sorted({r.code[:2] for r in regions if r is not None}):
        near |= Q(region__code__startswith=code)
    candidates = (Organisation.objects.filter(near, kind=Organisation.Kind.REGULATOR)
                  .select_related("region").order_by("pk"))
    return [org for org in candidates if any(region_covers(org.region, r) for r in regions)]
