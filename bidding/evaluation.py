"""The published formulas of comprehensive evaluation (docs/design.md §3), pure functions.

- **Price score** (computed, never typed): the lowest valid price is the base;
  ``price score = base ÷ price × price weight``, rounded half up to 2 decimals. The price of a
  quote is ``Project.price_for`` (the amount, or the amount a discount rate means).
- **Quality score**: the experts' scores (each 0 to the quality weight), their mean; with five
  experts or more the highest and the lowest are dropped first (trimmed mean); rounded half up
  to 2 decimals.
- **Total** = price score + quality score; the highest total wins; ties go to the lower price,
  then to the order of the panel seed's draw over the tied agencies' credit codes.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.money import CENT

PRICE_FORMULA = "price score = lowest valid price / price × price weight (round half up, 0.01)"
QUALITY_RULE = ("quality score = mean of the experts' scores; with 5 experts or more the "
                "highest and the lowest are dropped first (round half up, 0.01)")
TOTAL_RULE = ("total = price score + quality score; highest wins; ties to the lower price, "
              "then to the draw order of the panel seed")
TRIM_FROM = 5


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_score(*, base: Decimal, price: Decimal, weight) -> Decimal:
    return half_up(Decimal(base) / Decimal(price) * Decimal(weight))


def price_scores(prices: dict, weight) -> tuple[Decimal, dict]:
    """``(base, {key: price score})`` for ``{key: price}`` (every price > 0)."""
    base = min(prices.values())
    return base, {key: price_score(base=base, price=p, weight=weight)
                  for key, p in prices.items()}


def quality_of(scores: list[Decimal]) -> tuple[Decimal, bool]:
    """``(quality score, trimmed)`` of one bidder's expert scores."""
    ordered = sorted(Decimal(s) for s in scores)
    trimmed = len(ordered) >= TRIM_FROM
    if trimmed:
        ordered = ordered[1:-1]
    return half_up(sum(ordered) / len(ordered)), trimmed
