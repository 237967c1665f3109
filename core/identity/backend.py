"""The authentication backend of portal sign-in: mozilla-django-oidc's code flow, our mapping.

mozilla-django-oidc exchanges the code (with PKCE), fetches the signing key from the JWKS
endpoint, checks the ID token's signature, algorithm and nonce and reads the userinfo. This
subclass adds the checks it leaves out — the token's issuer and audience — and maps the
verified person to an account (docs/architecture.md, "Identity"):

- an identity linked before (``ExternalIdentity``) signs in as its account;
- a legal person whose code is a purchaser's or an agency's signs in as a new member of it
  (``core/services/identity.py::portal_member_create``);
- a legal person whose code is unknown is offered registration (``PortalRefusal`` with the
  identity, purpose ``REGISTER``); a natural person not linked yet is asked to sign in with
  a password once (purpose ``LINK``).
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from core.identity import claims as portal_claims
from core.identity.config import PortalRefusal, endpoint, issuer, oidc_enabled
from core.models import ExternalIdentity, Organisation
from core.services.identity import PORTAL_KINDS, portal_member_create


def portal_organisations(code: str) -> list[Organisation]:
    """The purchaser and agency organisations registered with ``code``."""
    return list(Organisation.objects.filter(uscc=code, kind__in=PORTAL_KINDS).order_by("kind"))


class PortalBackend(OIDCAuthenticationBackend):
    """Answers only the portal callback (which passes ``nonce``); a password sign-in, or any
    call while OIDC is off, passes it by."""

    def __init__(self, *args, **kwargs):
        # mozilla's __init__ reads every endpoint: Django builds the backends for each sign-in,
        # password ones included, so the endpoints are resolved only when used (properties).
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("token_endpoint"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("userinfo_endpoint"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("jwks_uri"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not oidc_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """mozilla's checks (signature, algorithm, expiry, nonce), then the issuer and the
        audience, which it does not check."""
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("no ID token")
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != issuer() \
                or settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token of another issuer or audience")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        identity = portal_claims.identity_from_claims(iss=issuer(), sub=payload.get("sub"),
                                                      claims=userinfo)
        link = (ExternalIdentity.objects.select_related("user__member__organisation")
                .filter(issuer=identity.issuer, subject=identity.subject).first())
        if link is not None:
            return self._linked_user(link, identity)
        if not identity.is_legal_person:
            raise PortalRefusal(_(
                "Your portal sign-in is not linked to an account here yet. Sign in once with "
                "your user name and password below: your portal identity is then linked, and "
                "next time the portal button is enough."),
                identity=identity, purpose=portal_claims.LINK)
        organisations = portal_organisations(identity.uscc)
        if len(organisations) == 1:
            return portal_member_create(organisation=organisations[0], identity=identity)
        raise PortalRefusal(_("Choose how your organisation takes part."), identity=identity,
                            purpose=portal_claims.REGISTER)

    def _linked_user(self, link: ExternalIdentity, identity):
        user = link.user
        member = getattr(user, "member", None)
        if identity.is_legal_person and (member is None
                                         or member.organisation.uscc != identity.uscc):
            raise PortalRefusal(_("This portal identity is linked to an account of another "
                                  "organisation; ask the platform operator."))
        if not user.is_active:
            raise PortalRefusal(_("This account is deactivated."))
        return user
