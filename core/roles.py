"""Who is who: the organisation of a user and role checks used inside services."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed
from core.models import Organisation

Kind = Organisation.Kind


def organisation_of(user) -> Organisation | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    member = getattr(user, "member", None)
    return member.organisation if member is not None else None


def kind_of(user) -> str | None:
    org = organisation_of(user)
    return org.kind if org else None


def is_regulator(user) -> bool:
    return kind_of(user) == Kind.REGULATOR


def require_kind(user, *kinds: str) -> Organisation:
    """Return the user's organisation if it is of one of ``kinds``; refuse otherwise."""
    org = organisation_of(user)
    if org is None:
        raise NotAllowed(_("Please sign in with an account of the right role."))
    if org.kind not in kinds:
        names = "、".join(str(Kind(k).label) for k in kinds)
        raise NotAllowed(_("Only %(roles)s may do this.") % {"roles": names})
    return org
