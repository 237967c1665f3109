"""Template helpers for ratings: the agency summary used by the profile partial, star strings."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

from ratings.selectors.ratings import agency_rating_summary
from ratings.selectors.todos import award_rating_links

register = template.Library()


@register.simple_tag
def rating_summary_for(agency, limit: int = 20):
    """``{% rating_summary_for agency as summary %}``"""
    return agency_rating_summary(agency=agency, limit=limit)


@register.simple_tag(takes_context=True)
def rating_links_for(context, award):
    """``{% rating_links_for award as links %}``: the rating buttons of an award's page for
    the signed-in user (``ratings/selectors/todos.py::award_rating_links``)."""
    return award_rating_links(award, context["request"].user, timezone.now())


@register.filter
def star_string(value) -> str:
    """``4.4|star_string`` → "★★★★☆" (rounded to whole stars)."""
    if value in (None, ""):
        return "☆☆☆☆☆"
    n = int(Decimal(str(value)).quantize(Decimal("1"), ROUND_HALF_UP))
    n = min(max(n, 0), 5)
    return "★" * n + "☆" * (5 - n)
