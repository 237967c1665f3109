"""Keep the agency's values derived from related rows in step with those rows, whoever changes
them, so the directory reads them from the agency's own row and its indexes:

- ``serves_everywhere``: the agency lists no region served (``agency.service_regions`` or
  ``region.served_by`` changed through the related managers);
- ``lowest_fee``: the lowest reference fee among its offers (a stock record saved or deleted).

Bulk writes skip signals: whoever bulk-creates regions served or offers (the directory
benchmark's seeding) sets these values itself, or calls the ``agency_*_refresh`` helpers. So
does deleting a region (a fixed reference table): its rows among the regions served go by
cascade, without ``m2m_changed``.
"""
from __future__ import annotations

from django.db.models import Exists, Min, OuterRef, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from agencies.models import Agency
from core.catalogue import StockRecord

ServedRegion = Agency.service_regions.through


def agency_regions_refresh(*, agency_ids=None) -> None:
    """Recompute ``serves_everywhere`` of these agencies (all of them if ``None``)."""
    agencies = Agency.objects.all() if agency_ids is None else Agency.objects.filter(
        pk__in=agency_ids)
    listing = Exists(ServedRegion.objects.filter(agency_id=OuterRef("pk")))
    agencies.filter(listing, serves_everywhere=True).update(serves_everywhere=False)
    agencies.filter(~listing, serves_everywhere=False).update(serves_everywhere=True)


def agency_fees_refresh(*, partner_ids) -> None:
    """Recompute ``lowest_fee`` of the agencies of these Oscar partners."""
    lowest = (StockRecord.objects.filter(partner_id=OuterRef("partner_id"), price__isnull=False)
              .order_by().values("partner_id").annotate(m=Min("price")).values("m"))
    Agency.objects.filter(partner_id__in=partner_ids).update(lowest_fee=Subquery(lowest))


@receiver(m2m_changed, sender=ServedRegion, dispatch_uid="agencies.service_regions_changed")
def on_service_regions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # region.served_by.<action>(...): ``pk_set`` is None on clear
        agency_regions_refresh(agency_ids=pk_set)
        return
    everywhere = not ServedRegion.objects.filter(agency_id=instance.pk).exists()
    Agency.objects.filter(pk=instance.pk).update(serves_everywhere=everywhere)
    instance.serves_everywhere = everywhere


@receiver(post_save, sender=StockRecord, dispatch_uid="agencies.offer_saved")
@receiver(post_delete, sender=StockRecord, dispatch_uid="agencies.offer_deleted")
def on_offer_changed(sender, instance, **kwargs):
    agency_fees_refresh(partner_ids=[instance.partner_id])
