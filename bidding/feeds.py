"""Atom feeds of postings (``/feeds/projects/``) and award notices (``/feeds/awards/``), with
Django's syndication framework (``django.contrib.syndication``, ``Atom1Feed``).

Filters: ``item`` (catalogue item id), ``category`` (id or slug; covers its descendants),
``region`` (GB/T 2260 code at any level; covers what is under it). An unknown value is a 400
naming it, never an empty feed. At most ``FEED_SIZE`` entries, newest first; links absolute
(built from the request). What a feed carries is what the public pages show before anyone is
signed in, minus what is confidential: no sign-up counts or names while sign-up is open
(``Project.signups_confidential``), no bids (an award notice is published after the close)."""
from __future__ import annotations

import copy
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from bidding.models import Award, Project
from bidding.selectors.projects import PUBLIC_STATUSES
from core.catalogue import SERVICE_CLASS_SLUG, Category, Product, category_by_id_or_slug
from core.errors import ValidationFailed
from core.models import Region
from core.money import format_money
from core.regions import region_lookup, within_region

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedQuery:
    """The request a feed answers (the feed object is shared between requests; this is not)."""

    base: str
    item: Product | None = None
    category: Category | None = None
    region: Region | None = None

    def absolute(self, path: str) -> str:
        return self.base + path

    def where(self, prefix: str = "") -> Q:
        q = Q()
        if self.item is not None:
            q &= Q(**{f"{prefix}item": self.item})
        if self.category is not None:
            q &= Q(**{f"{prefix}item__in": Product.objects.filter(
                categories__path__startswith=self.category.path)})
        if self.region is not None:
            q &= within_region(self.region, f"{prefix}region")
        return q

    def subtitle(self) -> str:
        parts = [self.item.title if self.item else "", self.category.name if self.category else "",
                 self.region.name if self.region else ""]
        return " · ".join(p for p in parts if p)


def _item(value: str) -> Product:
    text = value.strip()
    found = (Product.objects.filter(pk=int(text), is_public=True,
                                    product_class__slug=SERVICE_CLASS_SLUG).first()
             if text.isdigit() and len(text) < 10 else None)
    if found is None:
        raise ValidationFailed(_("No such service item in the catalogue: %(value)s") % {
            "value": text[:20]}, field="item")
    return found


def feed_query(request) -> FeedQuery:
    """The filters of ``request.GET``; ``ValidationFailed`` naming an unknown one."""
    get = request.GET
    return FeedQuery(
        base=request.build_absolute_uri("/").rstrip("/"),
        item=_item(get["item"]) if get.get("item") else None,
        category=category_by_id_or_slug(get["category"]) if get.get("category") else None,
        region=region_lookup(get["region"], allow_retired=True) if get.get("region") else None)


class _FilteredFeed(Feed):
    feed_type = Atom1Feed

    query: FeedQuery | None = None

    def __call__(self, request, *args, **kwargs):
        try:
            query = feed_query(request)
        except ValidationFailed as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
        # The URLconf's instance serves every request: each gets its own copy with its query.
        feed = copy.copy(self)
        feed.query = query
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs) -> FeedQuery:
        return self.query

    def title(self, obj: FeedQuery) -> str:
        name = f"{settings.MARKETPLACE['PLATFORM_NAME']} · {self.heading()}"
        return f"{name}（{obj.subtitle()}）" if obj.subtitle() else name

    def feed_url(self, obj: FeedQuery) -> str:
        return obj.absolute(reverse(self.url_name))

    def item_pubdate(self, item):
        return self.published(item)

    def item_updateddate(self, item):
        return item.modified


class ProjectFeed(_FilteredFeed):
    """Postings (采购公告), newest first."""

    url_name = "bidding:project-feed"

    def heading(self) -> str:
        return _("Project postings")

    def link(self, obj: FeedQuery) -> str:
        return obj.absolute(reverse("bidding:project-list"))

    def subtitle(self, obj: FeedQuery) -> str:
        return _("The newest postings of intermediary services; any agency offering the item "
                 "may sign up.")

    def items(self, obj: FeedQuery):
        return (Project.objects.filter(obj.where(), status__in=PUBLIC_STATUSES,
                                       published_at__isnull=False)
                .select_related("item", "purchaser", "region")
                .order_by("-published_at", "-pk")[:FEED_SIZE])

    def published(self, project):
        return project.published_at

    def item_title(self, project) -> str:
        return project.title

    def item_link(self, project) -> str:
        return self.query.absolute(project.get_absolute_url())

    def item_description(self, project) -> str:
        lines = [
            _("Service item: %(v)s") % {"v": project.item.title},
            _("Purchaser: %(v)s") % {"v": project.purchaser.name},
            _("Status: %(v)s") % {"v": project.get_status_display()},
            _("Selection method: %(v)s") % {"v": project.get_method_display()},
        ]
        if project.region is not None:
            lines.append(_("Project location: %(v)s") % {"v": project.region.name})
        if project.amount is not None:
            lines.append(_("Service amount: %(v)s yuan") % {"v": format_money(project.amount)})
        if project.signup_deadline is not None:
            lines.append(_("Sign-up deadline: %(v)s") % {
                "v": timezone.localtime(project.signup_deadline).strftime("%Y-%m-%d %H:%M")})
        return "\n".join(lines)

    def item_categories(self, project):
        return [project.item.title]


class AwardFeed(_FilteredFeed):
    """Award notices (中选公告), newest first."""

    url_name = "bidding:award-feed"

    def heading(self) -> str:
        return _("Award notices")

    def link(self, obj: FeedQuery) -> str:
        return obj.absolute(reverse("bidding:award-list"))

    def subtitle(self, obj: FeedQuery) -> str:
        return _("Selection results with their verification codes; objections are open until "
                 "the date each notice gives.")

    def items(self, obj: FeedQuery):
        return (Award.objects.filter(obj.where("project__"))
                .select_related("project", "project__item", "project__region", "agency")
                .order_by("-decided_at", "-pk")[:FEED_SIZE])

    def published(self, award):
        return award.decided_at

    def item_title(self, award) -> str:
        return _("%(project)s: awarded to %(agency)s") % {"project": award.project.title,
                                                          "agency": award.agency.name}

    def item_link(self, award) -> str:
        return self.query.absolute(reverse("bidding:award-detail", args=[award.pk]))

    def item_description(self, award) -> str:
        lines = [
            _("Service item: %(v)s") % {"v": award.project.item.title},
            _("Selected agency: %(v)s") % {"v": award.agency.name},
            _("Award price: %(v)s yuan") % {"v": format_money(award.price)},
            _("Selection method: %(v)s") % {"v": award.get_method_display()},
            _("Status: %(v)s") % {"v": award.get_status_display()},
            _("Verification code: %(v)s") % {"v": award.code},
            _("Objections until: %(v)s") % {
                "v": timezone.localtime(award.objection_until).strftime("%Y-%m-%d %H:%M")},
        ]
        return "\n".join(lines)
