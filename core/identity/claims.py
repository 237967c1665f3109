"""What the platform takes from the portal's verified claims, and what the session keeps of it.

Trusted: the subject (``sub``) of an ID token whose signature, issuer, audience, expiry and
nonce were checked (``core/identity/backend.py``), and the claims the portal's userinfo
endpoint returns for that subject over the back channel: the kind of login, the legal person's
unified social credit code, the organisation's and the person's names. Nothing a browser posts
replaces them: a registration started from the portal reads the code from the session, where
only the callback writes it.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed
from core.identity.config import PortalRefusal
from core.models import ExternalIdentity
from core.uscc import uscc_validate

SESSION_KEY = "portal_identity"
# How long verified claims wait in the session for the registration (30 minutes) or the password
# sign-in (10 minutes) that uses them.
PENDING_SECONDS = {"register": 30 * 60, "link": 10 * 60}
REGISTER = "register"
LINK = "link"

Kind = ExternalIdentity.Kind


@dataclass(frozen=True)
class PortalIdentity:
    """A person as the portal vouches for them."""

    issuer: str
    subject: str
    kind: str  # ExternalIdentity.Kind
    uscc: str = ""  # validated (core/uscc.py), legal persons only
    organisation: str = ""
    person: str = ""

    @property
    def is_legal_person(self) -> bool:
        return self.kind == Kind.LEGAL_PERSON


def missing_claims_message():
    return _("The government-service portal did not say who you are (claims are missing). "
             "Sign in with your user name and password, or ask the portal's help desk.")


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def identity_from_claims(*, iss: str, sub, claims: dict) -> PortalIdentity:
    """The identity in ``claims`` (userinfo) for the ID token's subject ``sub``.

    ``PortalRefusal`` when the subject or the kind of login is missing, when the userinfo
    speaks of another subject, or when a legal person's code is missing or not a valid unified
    social credit code."""
    if not isinstance(claims, dict) or not isinstance(sub, str) or not sub.strip() \
            or claims.get("sub") != sub:
        raise PortalRefusal(missing_claims_message())
    names = settings.OIDC_CLAIMS
    kind_value = claims.get(names["KIND"])
    if not isinstance(kind_value, str | int) or str(kind_value).strip() == "":
        raise PortalRefusal(missing_claims_message())
    legal = str(kind_value).strip() in settings.OIDC_LEGAL_PERSON_KINDS
    identity = {"issuer": iss, "subject": sub.strip(),
                "person": _text(claims, names["PERSON"], 150)}
    if not legal:
        return PortalIdentity(kind=Kind.NATURAL_PERSON, **identity)
    raw = claims.get(names["USCC"])
    if not isinstance(raw, str) or not raw.strip():
        raise PortalRefusal(missing_claims_message())
    try:
        code = uscc_validate(raw)
    except ValidationFailed as exc:
        raise PortalRefusal(_("The government-service portal gave an enterprise code that is "
                              "not a valid unified social credit code, so you cannot be signed "
                              "in with it. %(problem)s") % {"problem": exc.message}) from exc
    return PortalIdentity(kind=Kind.LEGAL_PERSON, uscc=code,
                          organisation=_text(claims, names["ORGANISATION"], 200), **identity)


# -- the session -------------------------------------------------------------------------------
def identity_keep(request, identity: PortalIdentity, *, purpose: str) -> None:
    """Keep verified ``identity`` in the session for ``purpose`` (``REGISTER`` or ``LINK``).
    Only the portal callback calls this."""
    request.session[SESSION_KEY] = {**asdict(identity), "purpose": purpose,
                                    "until": time.time() + PENDING_SECONDS[purpose]}


def identity_pending(request, *, purpose: str) -> PortalIdentity | None:
    """The identity the callback kept for ``purpose``, if it has not expired."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose:
        return None
    if kept.get("until", 0) < time.time():
        identity_forget(request)
        return None
    fields = {name: kept.get(name, "") for name in PortalIdentity.__dataclass_fields__}
    return PortalIdentity(**fields)


def identity_forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


LOCKED_HELP = gettext_lazy("From your government-service portal sign-in; it cannot be changed "
                           "here.")


def lock_claimed_fields(form, identity: PortalIdentity | None) -> None:
    """Fill the registration ``form``'s code (and name, where the portal gave one) from the
    verified ``identity`` and lock them: Django ignores what is posted for a disabled field and
    uses this value."""
    if identity is None:
        return
    locked = {"uscc": identity.uscc}
    if identity.organisation:
        locked["name"] = identity.organisation
    for name, value in locked.items():
        field = form.fields[name]
        field.initial = value
        field.disabled = True
        field.help_text = LOCKED_HELP
