"""The one permission layer: named permissions built from django-rules predicates, each with the
message a refused person reads. Services call ``require_perm`` before they change anything,
templates ask ``{% can "name" obj as allowed %}`` (``core_tags``) and API views ask
``has_perm``, so a button is shown by the same rule that allows the action
(docs/conventions.md, "Permissions").

Each app declares its own permissions in ``<app>/permissions.py`` with ``add_perm``; the
predicates that only need the user's role live here. ``actor=None`` is the platform itself
(periodic work, the demo loader, data migrations): it passes ``is_system`` and nothing else.

Permissions are tested through ``rules.has_perm``, never ``user.has_perm``: Django's model
backend lets a superuser do anything, while a rule of the marketplace (a superuser may not bid,
say) holds for everyone.
"""
from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed
from core.roles import Kind, kind_of, organisation_of

_MESSAGES: dict[str, object] = {}


def add_perm(name: str, predicate, message) -> None:
    """Register permission ``name`` (``"<app>.<verb>_<object>"``) with the message shown when it
    is refused."""
    rules.add_perm(name, predicate)
    _MESSAGES[name] = message


def has_perm(user, name: str, obj=None) -> bool:
    return rules.has_perm(name, user, obj)


def permission_message(name: str):
    """The message a person refused ``name`` reads (the one ``require_perm`` raises)."""
    return _MESSAGES.get(name) or _("You may not do this.")


def require_perm(user, name: str, obj=None) -> None:
    """Refuse with the permission's own message unless ``user`` holds ``name`` on ``obj``."""
    if not rules.has_perm(name, user, obj):
        if user is not None and not getattr(user, "is_authenticated", False):
            raise NotAllowed(_("Please sign in with an account of the right role."))
        raise NotAllowed(permission_message(name))


@rules.predicate
def is_system(user) -> bool:
    return user is None


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _of_kind(kind: str, name: str):
    return rules.predicate(lambda user: kind_of(user) == kind, name=name)


is_regulator = _of_kind(Kind.REGULATOR, "is_regulator")
is_purchaser = _of_kind(Kind.PURCHASER, "is_purchaser")
is_agency = _of_kind(Kind.AGENCY, "is_agency")
is_approval = _of_kind(Kind.APPROVAL, "is_approval")


@rules.predicate
def is_government_purchaser(user) -> bool:
    org = organisation_of(user)
    return org is not None and org.kind == Kind.PURCHASER and org.is_government


add_perm("core.edit_catalogue", is_system | is_superuser | is_regulator,
         _("Only regulators maintain the service catalogue."))
add_perm("core.edit_calendar", is_system | is_superuser | is_regulator,
         _("Only regulators maintain the working-day calendar."))
add_perm("core.supervise", is_regulator,
         _("Only regulators may open the supervision workspace."))


@rules.predicate
def is_self(user, account) -> bool:
    return user is not None and account is not None and user.pk == account.pk


# A portal identity is linked by the platform on the portal's word, or by the account's own
# person after a password sign-in (core/services/identity.py).
add_perm("core.link_identity", is_system | is_self,
         _("Only you may link a portal identity to your account."))
