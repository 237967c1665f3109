"""Money and other decimals typed by people: one parser and one formatter for the whole platform.

``parse_decimal`` accepts what a person or a client sends (``"93,500.00"``, ``93500``, ``"9.35e4"``)
and refuses, with a message naming the field, anything that is not a finite number within the
bounds: no ``NaN``, no ``Infinity``, no exponent the decimal module would overflow on
(``"1e999999999"``), no more decimal places than the field keeps. It never raises anything but
``ValidationFailed``.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1e12")  # DecimalField(max_digits=14, decimal_places=2) holds < 10¹²
_MAX_TEXT = 40  # longer input is never a number we keep


def parse_decimal(value, *, field: str, places: int = 2, lo: Decimal | int | None = None,
                  hi: Decimal | int | None = None, limit: Decimal = MONEY_LIMIT,
                  message: str | None = None) -> Decimal:
    """``value`` as a Decimal with at most ``places`` decimal places, ``lo <= value <= hi`` and
    ``|value| < limit``; otherwise ``ValidationFailed`` on ``field`` (codes ``not_a_number``,
    ``out_of_range``, ``too_many_decimals``)."""
    not_a_number = message or _("Enter a number, e.g. 95000.00.")
    if isinstance(value, bool) or value is None:
        raise ValidationFailed(not_a_number, code="not_a_number", field=field)
    text = value if isinstance(value, str) else str(value)
    text = text.strip().replace(",", "")
    if not text or len(text) > _MAX_TEXT:
        raise ValidationFailed(not_a_number, code="not_a_number", field=field)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(not_a_number, code="not_a_number", field=field) from None
    if not number.is_finite():
        raise ValidationFailed(not_a_number, code="not_a_number", field=field)
    # Compare exponents before any arithmetic: quantize() on 1e999999999 would overflow.
    if number.adjusted() >= limit.adjusted() or abs(number) >= limit \
            or (lo is not None and number < lo) or (hi is not None and number > hi):
        raise ValidationFailed(_("The number is out of range."), code="out_of_range",
                               field=field)
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise ValidationFailed(
            _("At most %(places)d decimal places.") % {"places": places},
            code="too_many_decimals", field=field)
    return number.quantize(quantum)


def parse_money(value, *, field: str, lo=None, hi=None, message: str | None = None) -> Decimal:
    """An amount in yuan with at most two decimal places (see ``parse_decimal``)."""
    return parse_decimal(value, field=field, places=2, lo=lo, hi=hi, message=message)


def format_money(value) -> str | None:
    """``Decimal("93500")`` → ``"93500.00"``, the form every frame, API body and audit entry
    carries; ``None`` stays ``None``."""
    return None if value is None else format(Decimal(value).quantize(CENT), "f")


def format_amount(value) -> str | None:
    """An amount as a page shows it to a reader: ``Decimal("75000")`` → ``"75,000.00"``, with
    thousands grouped in every language (Django's ``floatformat:"2g"`` groups by the locale,
    and the Chinese locale's format does not group)."""
    return None if value is None else f"{Decimal(value).quantize(CENT):,.2f}"


def format_decimal(value, places: int = 2) -> str | None:
    """Any number a page shows (a score, a weight, a mean) with exactly ``places`` decimal
    places: ``Decimal("84.0200000000000")`` (what SQLite gives back for a computed decimal),
    ``80.0`` and ``"74125.0000"`` become ``"84.02"``, ``"80.00"``, ``"74125.00"``. ``None`` and
    ``""`` stay as they are; anything that is not a finite number is returned unchanged, as
    text."""
    if value is None or value == "":
        return value
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not number.is_finite():
        return str(value)
    return format(number.quantize(Decimal(1).scaleb(-places)), "f")
