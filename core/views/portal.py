"""Portal sign-in pages: the start (to the portal), the callback (back from it) and the choice
for a legal person whose organisation is not registered yet. Every failure ends on the sign-in
page with a message; nothing is created by a failed sign-in (docs/architecture.md,
"Identity")."""
from __future__ import annotations

import logging

import requests
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.errors import MarketplaceError
from core.identity import claims as portal_claims
from core.identity.backend import portal_organisations
from core.identity.config import PortalRefusal, endpoint, oidc_enabled, unavailable_message
from core.models import Organisation
from core.services.identity import portal_member_create

log = logging.getLogger(__name__)


def _to_login(request, message):
    messages.error(request, message)
    return redirect("login")


def _unverified_message():
    return _("The sign-in with the government-service portal could not be verified. Please "
             "try again, or sign in with your user name and password.")


class PortalStart(OIDCAuthenticationRequestView):
    """To the portal's authorization endpoint (mozilla-django-oidc: state, nonce, PKCE kept in
    the session)."""

    def __init__(self, *args, **kwargs):
        # mozilla's __init__ reads the endpoint; it is discovered when the page is asked for.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    OIDC_OP_AUTH_ENDPOINT = property(lambda self: endpoint("authorization_endpoint"))
    OIDC_RP_CLIENT_ID = property(lambda self: self.get_settings("OIDC_RP_CLIENT_ID"))

    def get(self, request):
        if not oidc_enabled():
            raise Http404(_("Portal sign-in is not configured."))
        try:
            return super().get(request)
        except PortalRefusal as exc:
            return _to_login(request, exc.message)


class PortalCallback(OIDCAuthenticationCallbackView):
    """Back from the portal: mozilla checks the state and signs the person in through
    ``core/identity/backend.py::PortalBackend``; our refusals become a message on the sign-in
    page, or the registration choice."""

    def get(self, request):
        if not oidc_enabled():
            raise Http404(_("Portal sign-in is not configured."))
        try:
            return super().get(request)
        except PortalRefusal as exc:
            if exc.identity is not None and exc.purpose:
                portal_claims.identity_keep(request, exc.identity, purpose=exc.purpose)
                if exc.purpose == portal_claims.REGISTER:
                    return redirect("portal-choice")
            return _to_login(request, exc.message)
        except MarketplaceError as exc:
            return _to_login(request, exc.message)
        except SuspiciousOperation as exc:  # bad state, nonce, signature, issuer or audience
            log.warning("portal sign-in refused: %s", exc)
            return _to_login(request, _unverified_message())
        except (requests.RequestException, ValueError) as exc:  # the portal failed to answer
            log.warning("portal sign-in failed: %s", exc)
            return _to_login(request, unavailable_message())

    def login_failure(self):
        if self.request.GET.get("error"):
            return _to_login(self.request, _(
                "The government-service portal did not sign you in (cancelled or refused)."))
        return _to_login(self.request, _unverified_message())


@require_http_methods(["GET", "POST"])
def portal_choice(request):
    """A legal person the portal vouches for, whose code no purchaser or agency has, chooses to
    register as an enterprise or as an agency; where the code is both a purchaser's and an
    agency's, chooses which to sign in as."""
    identity = portal_claims.identity_pending(request, purpose=portal_claims.REGISTER)
    if identity is None:
        return _to_login(request, _("Your portal sign-in has expired; please sign in again."))
    organisations = portal_organisations(identity.uscc)
    if request.method == "POST":
        chosen = next((o for o in organisations if str(o.pk) == request.POST.get("organisation")),
                      None)
        if chosen is None:
            return redirect("portal-choice")
        try:
            user = portal_member_create(organisation=chosen, identity=identity)
        except MarketplaceError as exc:
            return _to_login(request, exc.message)
        portal_claims.identity_forget(request)
        login(request, user, backend="core.identity.backend.PortalBackend")
        return redirect("account")
    kinds = {o.kind for o in organisations}
    return render(request, "core/portal_choice.html", {
        "identity": identity, "organisations": organisations,
        "may_register_purchaser": Organisation.Kind.PURCHASER not in kinds,
        "may_register_agency": Organisation.Kind.AGENCY not in kinds,
    })
