"""The site's own pages: home and the public catalogue ("三张清单", R7), which spans the agencies'
offers. Views parse, call one selector, render."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.catalogue import DEFAULT_REMARK, Product, item_attribute_display, item_attributes
from marketplace.selectors import catalogue as selectors

OFFERS_PER_PAGE = 20


def home(request):
    return render(request, "marketplace/home.html", {
        "counts": selectors.public_counts(),
        "latest_items": selectors.latest_items(),
    })


def _with_attrs(items):
    for item in items:
        item.attrs = item_attributes(item)
    return items


def catalogue(request):
    """Items by category, each with legal basis, time limits and fee type."""
    query = request.GET.get("q", "").strip()[:100]
    nodes = selectors.catalogue_tree(query=query)
    for node in nodes:
        _with_attrs(node.items)
    total = len({item.pk for node in nodes for item in node.items})
    return render(request, "marketplace/catalogue.html", {
        "nodes": nodes, "query": query, "total": total, "remark": DEFAULT_REMARK,
    })


def catalogue_item(request, pk: int):
    """Every attribute of one item, the remark, and the agencies offering it (five stars first)."""
    try:
        item = selectors.item_detail(pk)
    except Product.DoesNotExist as exc:
        raise Http404(_("No such service item.")) from exc
    rows = item_attribute_display(item)
    remark = next((value for code, _label, value in rows if code == "remarks"), "") \
        or DEFAULT_REMARK
    page = Paginator(selectors.item_offers(item), OFFERS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "marketplace/catalogue_item.html", {
        "item": item, "rows": [r for r in rows if r[0] != "remarks"], "remark": remark,
        "page": page, "offers": page.object_list,
    })


def catalogue_fees(request):
    """The fee list: fee standard, fee type and the spread of agencies' reference fees."""
    return render(request, "marketplace/catalogue_fees.html", {"rows": selectors.fee_list()})


def catalogue_agencies(request):
    """The agency list of the three lists: how many agencies offer each item."""
    nodes = selectors.catalogue_tree()
    return render(request, "marketplace/catalogue_agencies.html", {
        "nodes": [n for n in nodes if n.items],
        "agency_count": selectors.public_counts()["agencies"],
    })
