"""The portal's OpenID Connect configuration: on or off, and its endpoints.

OIDC is on when ``settings.OIDC_ISSUER`` is set. The endpoints come from the provider's
discovery document, ``<issuer>/.well-known/openid-configuration``, read once per process and
issuer and kept; an endpoint given in the settings (``settings.OIDC_ENDPOINTS``) wins. Nothing
is fetched while OIDC is off, nor before someone uses the portal sign-in.
"""
from __future__ import annotations

import threading

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import MarketplaceError

DISCOVERY_PATH = "/.well-known/openid-configuration"
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")

_metadata: dict[str, dict] = {}
_metadata_lock = threading.Lock()


class PortalRefusal(MarketplaceError):
    """A portal sign-in that ends on the sign-in page with ``message``. ``identity`` (verified
    claims, ``core/identity/claims.py::PortalIdentity``) is kept in the session when the person
    may go on with it: link it by a password sign-in, or register its organisation."""

    code = "portal_refused"

    def __init__(self, message, *, identity=None, purpose: str = ""):
        super().__init__(message)
        self.identity = identity
        self.purpose = purpose


class PortalUnavailable(PortalRefusal):
    code = "portal_unavailable"


def unavailable_message():
    return _("The government-service portal cannot be reached just now. Sign in with your "
             "user name and password, or try the portal again in a moment.")


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", ""))


def issuer() -> str:
    return settings.OIDC_ISSUER


def provider_metadata() -> dict:
    """The issuer's discovery document, fetched on first use and kept for the process.
    ``PortalUnavailable`` when it cannot be read or names another issuer (nothing is kept)."""
    iss = issuer()
    if iss in _metadata:
        return _metadata[iss]
    with _metadata_lock:
        if iss not in _metadata:
            try:
                response = requests.get(iss + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
                response.raise_for_status()
                document = response.json()
            except (requests.RequestException, ValueError) as exc:
                raise PortalUnavailable(unavailable_message()) from exc
            if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != iss:
                raise PortalUnavailable(unavailable_message())
            _metadata[iss] = document
    return _metadata[iss]


def forget_metadata() -> None:
    """Drop the kept discovery documents (tests that point the platform at another provider)."""
    with _metadata_lock:
        _metadata.clear()


def endpoint(name: str) -> str:
    """The URL of endpoint ``name`` (one of ``ENDPOINTS``): the setting if given, else the
    discovered one; ``PortalUnavailable`` if the provider publishes none."""
    configured = settings.OIDC_ENDPOINTS.get(name, "")
    if configured:
        return configured
    url = provider_metadata().get(name)
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise PortalUnavailable(unavailable_message())
    return url
