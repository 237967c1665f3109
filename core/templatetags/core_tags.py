"""Template side of the core kit.

``{% can "bidding.place_bid" project as allowed %}``: the one permission layer
(core/permissions.py), so a button is shown by the rule that allows the action.
``{{ amount|money }}``: an amount as core.money.format_money writes it everywhere (``93500.00``;
empty for ``None``). ``{{ score|decimal }}`` (``{{ factor|decimal:3 }}``): any other number with a
fixed number of decimal places, two by default (core.money.format_decimal): a score, a weight,
a mean. ``{{ item.attrs.fee_type|fee_type_label }}``: the catalogue's fee type (stored as the
Chinese option 政府指导价 / 市场调节价) in the reader's language."""
from django import template
from django.utils.translation import gettext as _

from core.catalogue import FEE_GOVERNMENT, FEE_MARKET
from core.money import format_amount, format_decimal, format_money
from core.permissions import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, name: str, obj=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return has_perm(user, name, obj)


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return ""
    return format_money(value)


@register.filter
def amount(value) -> str:
    """``75000`` → ``75,000.00`` (core/money.py::format_amount)."""
    if value is None or value == "":
        return ""
    return format_amount(value)


@register.filter(name="decimal")
def decimal_places(value, places=2) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(value, int(places))


@register.filter
def fee_type_label(value) -> str:
    text = str(getattr(value, "option", value) or "")
    if text == FEE_GOVERNMENT:
        return _("Government-guided price")
    if text == FEE_MARKET:
        return _("Market-set price")
    return text
