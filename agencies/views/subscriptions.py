"""The agency's invitation subscriptions ("订阅", 采购邀请网上推送): list, add, remove. Each
parses, calls one service of ``agencies.services.subscriptions``, renders."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.forms import SubscriptionForm
from agencies.models import Agency
from agencies.permissions import MANAGE_SUBSCRIPTIONS
from agencies.selectors.subscriptions import subscriptions_of
from agencies.services import subscriptions as subscription_services
from agencies.views.registry import _forbidden
from core.errors import MarketplaceError, NotAllowed
from core.forms import apply_error
from core.permissions import has_perm


@login_required
def subscriptions(request, pk: int):
    """The agency's invitation subscriptions ("订阅"): its lines, a form to add one."""
    agency = get_object_or_404(Agency.objects.select_related("region"), pk=pk)
    if not has_perm(request.user, MANAGE_SUBSCRIPTIONS, agency):
        return _forbidden(request, agency=agency)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription_services.subscription_add(
                actor=request.user, agency=agency, item=data["item"], category=data["category"],
                regions=data["regions"])
        except NotAllowed as exc:
            return _forbidden(request, exc, agency)
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Subscribed: matching postings will invite the agency."))
            return redirect("agencies:subscriptions", pk=agency.pk)
    return render(request, "agencies/subscriptions.html", {
        "agency": agency, "form": form, "tab": "subscriptions",
        "subscriptions": subscriptions_of(agency)})


@login_required
@require_POST
def subscription_remove(request, pk: int, sub_pk: int):
    agency = get_object_or_404(Agency, pk=pk)
    try:
        subscription_services.subscription_remove(actor=request.user, agency=agency,
                                                  subscription_id=sub_pk)
    except NotAllowed as exc:
        return _forbidden(request, exc, agency)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The subscription is removed."))
    return redirect("agencies:subscriptions", pk=agency.pk)
