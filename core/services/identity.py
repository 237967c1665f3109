"""Writes of portal sign-in: link a portal identity to an account, and add a member to an
organisation the portal vouches for (docs/architecture.md, "Identity")."""
from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.identity.claims import PortalIdentity
from core.locking import lock
from core.models import ExternalIdentity, Member, Organisation
from core.permissions import require_perm

User = get_user_model()
LINK_IDENTITY = "core.link_identity"
PORTAL_KINDS = (Organisation.Kind.PURCHASER, Organisation.Kind.AGENCY)


def _already_linked() -> str:
    return _("This government-service portal identity is already linked to an account.")


@transaction.atomic
def identity_link(*, actor, user, identity: PortalIdentity) -> ExternalIdentity:
    """Record that ``identity`` (verified claims) signs in as ``user``. ``actor`` is ``user``
    (a password sign-in or a registration) or ``None`` (the platform, on the portal's word)."""
    require_perm(actor, LINK_IDENTITY, user)
    try:
        with transaction.atomic():
            link = ExternalIdentity.objects.create(
                user=user, issuer=identity.issuer, subject=identity.subject,
                kind=identity.kind, uscc=identity.uscc)
    except IntegrityError as exc:
        raise Conflict(_already_linked()) from exc
    audit_record(actor=actor or user, action="identity.linked", obj=link, data={
        "user": user.username, "issuer": identity.issuer, "subject": identity.subject,
        "kind": identity.kind, "uscc": identity.uscc})
    return link


def _portal_username(identity: PortalIdentity) -> str:
    digest = hashlib.sha256(f"{identity.issuer}\n{identity.subject}".encode()).hexdigest()
    base = f"portal-{digest[:12]}"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def portal_member_create(*, organisation: Organisation, identity: PortalIdentity):
    """A legal-person portal sign-in whose code is ``organisation``'s: a new account (no
    password: it signs in through the portal) becomes a member of it, linked to ``identity``."""
    org = lock(Organisation, organisation, missing=_("No such organisation."))
    if not identity.is_legal_person or org.kind not in PORTAL_KINDS \
            or not org.uscc or org.uscc != identity.uscc:
        raise ValidationFailed(_("The portal's enterprise code is not this organisation's."),
                               field="uscc")
    user = User.objects.create_user(username=_portal_username(identity), password=None,
                                    first_name=identity.person[:150])
    Member.objects.create(user=user, organisation=org)
    audit_record(actor=None, action="member.joined_through_portal", obj=org, data={
        "user": user.username, "kind": org.kind, "uscc": org.uscc, "person": identity.person})
    identity_link(actor=None, user=user, identity=identity)
    return user
