"""Writes of the core: purchasers sign themselves up; approval departments and regulators are
created by a management command (``create_staff``)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ValidationFailed
from core.identity.claims import PortalIdentity
from core.models import Member, Organisation, Region
from core.services.identity import identity_link
from core.uscc import uscc_validate

User = get_user_model()


def _check_account(username: str, password: str, email: str, errors: dict) -> None:
    if not username.strip():
        errors["username"] = [_("Choose a user name.")]
    elif User.objects.filter(username=username.strip()).exists():
        errors["username"] = [_("This user name is taken; choose another.")]
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)


def _create_member(*, username: str, password: str, email: str, organisation: Organisation):
    user = User.objects.create_user(username=username.strip(), password=password, email=email)
    Member.objects.create(user=user, organisation=organisation)
    return user


def member_account_create(*, organisation: Organisation, username: str, password: str,
                          email: str = ""):
    """A user account in ``organisation`` after the same checks as every sign-up (user name
    free, password strong enough). For callers that create the organisation and audit the
    whole change themselves (``bidding/services/panels.py::expert_create``). Precondition:
    inside the caller's transaction."""
    errors: dict[str, list[str]] = {}
    _check_account(username, password, email, errors)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    return _create_member(username=username, password=password, email=email,
                          organisation=organisation)


@transaction.atomic
def purchaser_register(*, username: str, password: str, name: str, uscc: str,
                       region: Region | None, contact_name: str, contact_phone: str,
                       email: str = "", is_government: bool = False,
                       identity: PortalIdentity | None = None):
    """An enterprise (or a department commissioning technical services, R6) signs itself up.
    With ``identity`` (verified portal claims) the code must be the portal's, and the identity
    is linked to the new account in the same transaction."""
    errors: dict[str, list[str]] = {}
    code = ""
    if identity is not None:
        uscc = portal_uscc(identity, uscc)
    if is_government:
        code = (uscc or "").strip().upper()
    else:
        try:
            code = uscc_validate(uscc)
        except ValidationFailed as exc:
            errors["uscc"] = [f'{_("This is not a valid unified social credit code.")} '
                              f"{exc.message}"]
        else:
            if Organisation.objects.filter(kind=Organisation.Kind.PURCHASER, uscc=code).exists():
                errors["uscc"] = [_("A purchaser with this code is already registered.")]
    if not name.strip():
        errors["name"] = [_("Enter the enterprise's name.")]
    _check_account(username, password, email, errors)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    org = Organisation.objects.create(
        kind=Organisation.Kind.PURCHASER, name=name.strip(), uscc=code, region=region,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=email,
        is_government=is_government)
    user = _create_member(username=username, password=password, email=email, organisation=org)
    audit_record(actor=user, action="purchaser.registered", obj=org,
                 data={"name": org.name, "uscc": code, "is_government": is_government})
    if identity is not None:
        identity_link(actor=user, user=user, identity=identity)
    return user


def portal_uscc(identity: PortalIdentity, given: str) -> str:
    """The code of a registration started from the portal: the verified claim's, which the
    code given must be (the form locks it; a client that posts another is refused)."""
    if not identity.is_legal_person or (given or "").strip().upper() != identity.uscc:
        raise ValidationFailed(_("The unified social credit code must be the one the "
                                 "government-service portal gave."), field="uscc")
    return identity.uscc


@transaction.atomic
def staff_create(*, kind: str, organisation_name: str, username: str, password: str,
                 email: str = "", region: Region | None = None, actor=None):
    """Create an approval-department or regulator account (never self-registered)."""
    if kind not in (Organisation.Kind.APPROVAL, Organisation.Kind.REGULATOR):
        raise ValidationFailed(_("Staff accounts are for approval departments and regulators."))
    errors: dict[str, list[str]] = {}
    _check_account(username, password, email, errors)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    org, _created = Organisation.objects.get_or_create(
        kind=kind, name=organisation_name.strip(),
        defaults={"region": region, "is_government": True})
    user = _create_member(username=username, password=password, email=email, organisation=org)
    permissions = []
    if kind == Organisation.Kind.REGULATOR:
        # Regulators maintain the catalogue in the admin (R7); every change there goes through
        # the audited services below.
        perms = regulator_permissions()
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(perms)
        permissions = sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms)
    audit_record(actor=actor, action="staff.created", obj=org,
                 data={"kind": kind, "username": user.username, "is_staff": user.is_staff,
                       "permissions": permissions})
    return user


# The model permissions of a regulator's staff account: regulators maintain the catalogue and
# the holiday calendar in the admin (R7, R13); every change there goes through audited services.
REGULATOR_PERMISSIONS = {
    "catalogue": {"product": ("add", "change", "delete", "view"),
                  "category": ("add", "change", "delete", "view"),
                  "productattributevalue": ("view",)},
    "core": {"holidayschedule": ("add", "change", "delete", "view"), "region": ("view",),
                    "organisation": ("view",), "auditevent": ("view",)},
    "agencies": {"agency": ("view",)},
}


def regulator_permissions():
    """The model permissions a regulator's staff account gets in the admin."""
    query = Q(pk__in=[])
    for app_label, models in REGULATOR_PERMISSIONS.items():
        for model, actions in models.items():
            q = Q(content_type__app_label=app_label,
                  codename__in=[f"{a}_{model}" for a in actions])
            query |= q
    return list(Permission.objects.filter(query).select_related("content_type"))
