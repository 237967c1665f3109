"""Template helpers for ratings: the agency summary used by the profile partial, star strings."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from ratings.selectors.ratings import agency_rating_summary

register = template.Library()


@register.simple_tag
def rating_summary_for(agency, limit: int = 20):
    """``{% rating_summary_for agency as summary %}``"""
    return agency_rating_summary(agency=agency, limit=limit)


@register.filter
def star_string(value) -> str:
    """``4.4|star_string`` → "★★★★☆" (rounded to whole stars)."""
    if value in (None, ""):
        return "☆☆☆☆☆"
    n = int(Decimal(str(value)).quantize(Decimal("1"), ROUND_HALF_UP))
    n = min(max(n, 0), 5)
    return "★" * n + "☆" * (5 - n)
