"""``{% can "bidding.place_bid" project as allowed %}``: the template side of the one permission
layer (core/permissions.py), so a button is shown by the rule that allows the action."""
from django import template

from core.permissions import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, name: str, obj=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return has_perm(user, name, obj)
