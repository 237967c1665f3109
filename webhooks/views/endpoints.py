"""The organisation's webhook endpoints page, ``/webhooks/`` (docs/architecture.md,
"Webhooks"): list and add endpoints, rotate a secret, send a test event, switch one off or on,
delete one, read its delivery log. Each action parses, calls one service, renders. A new
secret is rendered in the answer, never stored in the session or shown again."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import MarketplaceError
from core.forms import apply_error
from core.roles import organisation_of
from webhooks.forms import EndpointForm
from webhooks.selectors.endpoints import endpoint_deliveries, endpoints_of
from webhooks.services import endpoints as services


def _organisation(request):
    org = organisation_of(request.user)
    if org is None:
        raise PermissionDenied(_("Only a member of an organisation has webhooks."))
    return org


def _endpoint(request, pk: int):
    endpoint = endpoints_of(_organisation(request)).filter(pk=pk).first()
    if endpoint is None:
        raise Http404(_("No such webhook endpoint."))
    return endpoint


def _page(request, form, *, secret_for=None, status=200):
    org = _organisation(request)
    return render(request, "webhooks/endpoints.html", {
        "organisation": org, "endpoints": endpoints_of(org), "form": form,
        "secret_for": secret_for}, status=status)


@login_required
def endpoints(request):
    org = _organisation(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(
                actor=request.user, organisation=org, **form.cleaned_data)
        except MarketplaceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The endpoint is added. Copy its secret now: it is "
                                        "not shown again."))
            return _page(request, EndpointForm(), secret_for=endpoint)
    return _page(request, form)


@login_required
@require_POST
def endpoint_action(request, pk: int, action: str):
    endpoint = _endpoint(request, pk)
    try:
        if action == "rotate":
            endpoint = services.webhook_endpoint_rotate_secret(actor=request.user,
                                                               endpoint=endpoint)
            messages.success(request, _("A new secret: copy it now, it is not shown again."))
            return _page(request, EndpointForm(), secret_for=endpoint)
        if action == "test":
            services.webhook_endpoint_ping(actor=request.user, endpoint=endpoint)
            messages.success(request, _("A test event is on its way."))
        elif action == "toggle":
            services.webhook_endpoint_update(actor=request.user, endpoint=endpoint,
                                             active=not endpoint.active)
        elif action == "delete":
            services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
            messages.success(request, _("The endpoint is deleted."))
        else:
            raise Http404(_("No such action."))
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    return redirect("webhooks")


@login_required
def deliveries(request, pk: int):
    endpoint = _endpoint(request, pk)
    page = Paginator(endpoint_deliveries(endpoint), 30).get_page(request.GET.get("page"))
    return render(request, "webhooks/deliveries.html", {"endpoint": endpoint, "page": page})
