"""Writes of an agency's invitation subscriptions (采购邀请网上推送): add a topic — a catalogue
item or a category — in some regions (none: everywhere), remove one line. The agency's own
members only (``agencies.manage_subscriptions``); each change is audited on the agency."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency, Subscription
from agencies.permissions import MANAGE_SUBSCRIPTIONS
from core.audit import audit_record
from core.catalogue import SERVICE_CLASS_SLUG, Category, Product
from core.errors import ValidationFailed
from core.locking import lock
from core.models import Region
from core.permissions import require_perm
from core.regions import refuse_retired

MAX_SUBSCRIPTIONS = 200
"""Lines per agency: enough for every item of the catalogue in a few regions, and a bound on the
recommendation query (``bidding/selectors/recommendations.py``)."""


@transaction.atomic
def subscription_add(*, actor, agency: Agency, item: Product | None = None,
                     category: Category | None = None,
                     regions: list[Region] | tuple[Region, ...] = ()) -> list[Subscription]:
    """Subscribe ``agency`` to ``item`` or ``category`` (exactly one) in each of ``regions``, or
    everywhere when ``regions`` is empty. Lines the agency already has are kept, not doubled;
    a request that adds nothing new is refused. Returns the new lines."""
    require_perm(actor, MANAGE_SUBSCRIPTIONS, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    if (item is None) == (category is None):
        raise ValidationFailed(_("Choose either a service item or a category."), field="item")
    if item is not None and not Product.objects.filter(
            pk=item.pk, is_public=True,
            product_class__slug=SERVICE_CLASS_SLUG).exists():
        raise ValidationFailed(_("No such service item in the catalogue."), field="item")
    refuse_retired(regions, field="regions")
    wanted = list(dict.fromkeys(regions)) or [None]
    existing = set(Subscription.objects.filter(agency=agency, item=item, category=category)
                   .values_list("region_id", flat=True))
    new = [Subscription(agency=agency, item=item, category=category, region=region)
           for region in wanted if (region.pk if region else None) not in existing]
    if not new:
        raise ValidationFailed(_("The agency already subscribes to this."), field="item")
    if Subscription.objects.filter(agency=agency).count() + len(new) > MAX_SUBSCRIPTIONS:
        raise ValidationFailed(_("An agency keeps at most %(n)s subscriptions; remove some "
                                 "first.") % {"n": MAX_SUBSCRIPTIONS}, field="regions")
    for line in new:  # a handful of rows; ``save`` gives each its key on every database
        line.save()
    audit_record(actor=actor, action="agency.subscription_added", obj=agency, data={
        "ids": [s.pk for s in new],
        "item": item.pk if item else None, "category": category.pk if category else None,
        "regions": [s.region.code if s.region else None for s in new]})
    return new


@transaction.atomic
def subscription_remove(*, actor, agency: Agency, subscription_id: int) -> None:
    """Remove one line of ``agency``'s subscriptions."""
    require_perm(actor, MANAGE_SUBSCRIPTIONS, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    deleted, _detail = Subscription.objects.filter(agency=agency, pk=subscription_id).delete()
    if not deleted:
        raise ValidationFailed(_("No such subscription of this agency."))
    audit_record(actor=actor, action="agency.subscription_removed", obj=agency,
                 data={"id": subscription_id})
