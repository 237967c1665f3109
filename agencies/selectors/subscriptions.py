"""Reads of invitation subscriptions (采购邀请网上推送): an agency's own lines, and the matching
of a posting to the agencies it should invite.

A line matches a posting when its topic is the posting's item, or a category of that item or an
ancestor of one (Oscar's categories are materialised paths: an ancestor's path is a prefix), and
its region is empty (everywhere) or covers the posting's region: the same region or the city or
province above it (``core.models.Region.ancestor_codes``). A posting with no location reaches
every subscriber of its topic. Standing does not matter: an invitation is information, the
eligibility check decides sign-up (R1)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.models import Agency, Subscription
from core.catalogue import Category, ProductCategory
from core.models import Region


def subscriptions_of(agency: Agency) -> QuerySet[Subscription]:
    """``agency``'s lines, topic and region joined, in the order they were added."""
    return (Subscription.objects.filter(agency=agency)
            .select_related("item", "category", "region").order_by("id"))


def _topic_categories(item_id: int) -> QuerySet[Category]:
    """The categories of item ``item_id`` and all their ancestors, as a subquery."""
    return Category.objects.filter(Exists(ProductCategory.objects.filter(
        product_id=item_id, category__path__startswith=OuterRef("path"))))


def _region_match(project) -> Q:
    region: Region | None = project.region
    if region is None:
        return Q()
    return Q(region__isnull=True) | Q(region__in=Region.objects.filter(
        code__in=[region.code, *region.ancestor_codes]))


def matching_subscriptions(project) -> QuerySet[Subscription]:
    """Lines matching ``project`` (anything with ``item_id`` and ``region``: bidding's posting;
    agencies does not import the floor above). One query when evaluated."""
    topic = Q(item_id=project.item_id) | Q(category__in=_topic_categories(project.item_id))
    return Subscription.objects.filter(topic & _region_match(project))


def subscribers_for(project) -> QuerySet[Agency]:
    """The agencies ``project`` should invite: every agency with a matching line (one query;
    suspended and expelled agencies included, R1). The item's lines and the categories' lines
    are two semi-joins, each read through its partial index (``subscription_item_idx``,
    ``subscription_category_idx``)."""
    where = _region_match(project)
    by_item = Subscription.objects.filter(where, item_id=project.item_id)
    by_category = Subscription.objects.filter(
        where, category__in=_topic_categories(project.item_id))
    return Agency.objects.filter(
        Q(pk__in=by_item.values("agency_id")) | Q(pk__in=by_category.values("agency_id"))
    ).order_by("name", "pk")


@dataclass
class Invitation:
    """What an invitation to ``agency`` says: the posting and the lines it matched."""

    agency: Agency
    reasons: list[Subscription] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [str(line) for line in self.reasons]


def invitations_for(project) -> list[Invitation]:
    """One ``Invitation`` per agency ``subscribers_for(project)`` lists, with the matched lines
    (one query), in agency-name order."""
    lines = (matching_subscriptions(project)
             .select_related("agency", "item", "category", "region")
             .order_by("agency__name", "agency_id", "id"))
    invitations: dict[int, Invitation] = {}
    for line in lines:
        invitations.setdefault(line.agency_id, Invitation(agency=line.agency)).reasons.append(line)
    return list(invitations.values())
