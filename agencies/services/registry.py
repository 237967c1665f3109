"""Writes of the agency registry. Zero threshold (R1): a valid, unregistered unified social credit
code, contact data and the integrity commitment are all it takes; the agency is listed at once.
No cap of any kind (R2)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, OfferTerms, Practitioner, Qualification
from agencies.permissions import EDIT_AGENCY
from core.audit import audit_record
from core.catalogue import Partner, Product, StockRecord, offer_sku
from core.errors import Conflict, ValidationFailed, from_django_validation
from core.identity.claims import PortalIdentity
from core.locking import lock
from core.models import Member, Organisation, Region
from core.permissions import has_perm, require_perm
from core.regions import refuse_retired
from core.services.accounts import portal_uscc
from core.services.identity import identity_link
from core.uscc import uscc_validate

User = get_user_model()

PROFILE_FIELDS = (
    "name", "nature", "legal_representative", "registered_capital", "address", "region",
    "contact_name", "contact_phone", "contact_email", "website", "description",
    "gov_tie_declared", "gov_tie_department", "gov_tie_details",
)


def uscc_clean(code: str) -> str:
    """Validate a unified social credit code (``core/uscc.py::uscc_validate``: check
    character, registration authority and category, region, organisation code); return it
    compacted."""
    return uscc_validate(code)


def uscc_taken_message() -> str:
    return _("An agency with this unified social credit code is already registered. "
             "If it is yours, sign in with its account.")


@dataclass
class OfferInput:
    item: Product
    fee: Decimal | None = None
    commitment: str = ""
    committed_days: int | None = None


@dataclass
class QualificationInput:
    name: str
    grade: str = ""
    number: str = ""
    authority: str = ""
    valid_until: object = None


@dataclass
class PractitionerInput:
    name: str
    speciality: str = ""
    certificate: str = ""


@dataclass
class Registration:
    """Everything an agency gives to join (R1). Only the code, names and contacts are needed."""

    username: str
    password: str
    name: str
    uscc: str
    nature: str
    legal_representative: str
    address: str
    region: Region
    contact_name: str
    contact_phone: str
    integrity_accepted: bool
    email: str = ""
    contact_email: str = ""
    website: str = ""
    description: str = ""
    registered_capital: Decimal | None = None
    service_regions: list[Region] = field(default_factory=list)
    offers: list[OfferInput] = field(default_factory=list)
    qualifications: list[QualificationInput] = field(default_factory=list)
    practitioners: list[PractitionerInput] = field(default_factory=list)
    gov_tie_declared: bool = False
    gov_tie_department: str = ""
    gov_tie_details: str = ""


def _username(reg: Registration) -> str:
    """The user name as Django stores it (NFKC-normalised), so the check sees what is saved."""
    return User.normalize_username(reg.username.strip())


def _username_taken() -> str:
    return _("This user name is taken; choose another.")


def _check_registration(reg: Registration) -> str:
    errors: dict[str, list[str]] = {}
    code = None
    try:
        code = uscc_clean(reg.uscc)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if code and Agency.objects.filter(uscc=code).exists():
        errors["uscc"] = [uscc_taken_message()]
    if not reg.integrity_accepted:
        errors["integrity_accepted"] = [_(
            "Joining requires accepting the platform's integrity commitment.")]
    if reg.gov_tie_declared and not reg.gov_tie_department.strip():
        errors["gov_tie_department"] = [_("Name the department the agency is tied to.")]
    username = _username(reg)
    if not username:
        errors["username"] = [_("Choose a user name.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [_username_taken()]
    try:
        validate_password(reg.password, User(username=reg.username, email=reg.email))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)
    return code


@transaction.atomic
def agency_register(*, registration: Registration,
                    identity: PortalIdentity | None = None) -> Agency:
    """Create the account, organisation, Oscar partner, agency profile, offers, qualifications
    and practitioners in one transaction. Listed publicly at once: there is no approval step.
    With ``identity`` (verified portal claims) the code must be the portal's, and the identity
    is linked to the new account in the same transaction."""
    reg = registration
    if identity is not None:
        reg.uscc = portal_uscc(identity, reg.uscc)
    code = _check_registration(reg)
    refuse_retired([reg.region], field="region")
    refuse_retired(reg.service_regions, field="service_regions")
    # The checks above read; a concurrent registration of the same name or code can still win
    # between them and these inserts. Its unique constraints then refuse ours: say which.
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=_username(reg), password=reg.password,
                                            email=reg.email or reg.contact_email)
    except IntegrityError as exc:
        raise Conflict(_username_taken(), field="username") from exc
    agency = Agency(
        uscc=code, integrity_accepted_at=timezone.now(),
        **{name: getattr(reg, name) for name in PROFILE_FIELDS},
    )
    agency.name = agency.name.strip()
    try:
        agency.full_clean(exclude=["organisation", "partner"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    try:
        with transaction.atomic():
            agency.organisation = Organisation.objects.create(
                kind=Organisation.Kind.AGENCY, name=agency.name, uscc=code, region=reg.region,
                contact_name=reg.contact_name, contact_phone=reg.contact_phone,
                contact_email=reg.contact_email)
            agency.partner = Partner.objects.create(name=agency.name,
                                                    code=f"agency-{code.lower()}")
            agency.save()
    except IntegrityError as exc:
        raise Conflict(uscc_taken_message(), field="uscc") from exc
    Member.objects.create(user=user, organisation=agency.organisation)
    agency.partner.users.add(user)
    agency.service_regions.set(reg.service_regions)
    for offer in reg.offers:
        _offer_write(agency, offer)
    for qual in reg.qualifications:
        _qualification_write(agency, qual)
    for person in reg.practitioners:
        _practitioner_write(agency, person)
    audit_record(actor=user, action="agency.registered", obj=agency, data={
        "name": agency.name, "uscc": code, "region": reg.region.code,
        "offers": [o.item.pk for o in reg.offers],
        "qualifications": [q.name for q in reg.qualifications],
        "gov_tie_declared": reg.gov_tie_declared, "gov_tie_department": reg.gov_tie_department,
    })
    if identity is not None:
        identity_link(actor=user, user=user, identity=identity)
    return agency


def agency_may_edit(*, actor, agency: Agency) -> bool:
    """Whether ``actor`` may change ``agency`` (``agencies.edit_agency``: its own members only).
    Every write service below requires the same permission itself."""
    return has_perm(actor, EDIT_AGENCY, agency)


@transaction.atomic
def agency_update(*, actor, agency: Agency, changes: dict, service_regions=None) -> Agency:
    """Change profile fields (``changes`` limited to ``PROFILE_FIELDS``)."""
    require_perm(actor, EDIT_AGENCY, agency)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed: %(f)s") % {
            "f": ", ".join(sorted(unknown))})
    agency = lock(Agency, agency, missing=_("No such agency."))
    before = {name: getattr(agency, name) for name in changes}
    if "region" in changes and changes["region"] != agency.region:
        refuse_retired([changes["region"]], field="region")
    if service_regions is not None:
        refuse_retired(service_regions, field="service_regions")
    for name, value in changes.items():
        setattr(agency, name, value)
    if agency.gov_tie_declared and not (agency.gov_tie_department or "").strip():
        raise ValidationFailed(_("Name the department the agency is tied to."),
                               field="gov_tie_department")
    try:
        agency.full_clean(exclude=["organisation", "partner"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    agency.save(update_fields=[*changes, "modified"])
    org_fields = {"name": "name", "contact_name": "contact_name",
                  "contact_phone": "contact_phone", "contact_email": "contact_email",
                  "region": "region"}
    org_changes = {org_fields[n]: changes[n] for n in changes if n in org_fields}
    if org_changes:
        Organisation.objects.filter(pk=agency.organisation_id).update(**org_changes)
    if "name" in changes:
        Partner.objects.filter(pk=agency.partner_id).update(name=agency.name)
    if service_regions is not None:
        agency.service_regions.set(service_regions)
    audit_record(actor=actor, action="agency.updated", obj=agency, data={
        "changed": {n: [str(before[n]), str(getattr(agency, n))] for n in changes
                    if before[n] != getattr(agency, n)},
        "service_regions": [r.code for r in service_regions] if service_regions is not None
        else None,
    })
    return agency


def _offer_write(agency: Agency, offer: OfferInput) -> StockRecord:
    if offer.fee is not None and offer.fee < 0:
        raise ValidationFailed(_("A reference fee cannot be negative."), field="fee")
    record, _created = StockRecord.objects.update_or_create(
        partner_id=agency.partner_id, product=offer.item,
        defaults={"partner_sku": offer_sku(agency.pk, offer.item.pk), "price": offer.fee,
                  "price_currency": "CNY"},
    )
    OfferTerms.objects.update_or_create(
        stockrecord=record,
        defaults={"commitment": offer.commitment, "committed_days": offer.committed_days})
    return record


def _qualification_write(agency: Agency, qual: QualificationInput) -> Qualification:
    if not qual.name.strip():
        raise ValidationFailed(_("Name the qualification."), field="qualifications")
    return Qualification.objects.create(
        agency=agency, name=qual.name.strip(), grade=qual.grade, number=qual.number,
        authority=qual.authority, valid_until=qual.valid_until)


def _practitioner_write(agency: Agency, person: PractitionerInput) -> Practitioner:
    if not person.name.strip():
        raise ValidationFailed(_("Name the practitioner."), field="practitioners")
    return Practitioner.objects.create(agency=agency, name=person.name.strip(),
                                       speciality=person.speciality,
                                       certificate=person.certificate)


@transaction.atomic
def agency_offer_set(*, actor, agency: Agency, offer: OfferInput) -> StockRecord:
    """Add or change the agency's offer on one catalogue item."""
    require_perm(actor, EDIT_AGENCY, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    record = _offer_write(agency, offer)
    audit_record(actor=actor, action="agency.offer_set", obj=agency, data={
        "item": offer.item.pk, "fee": offer.fee, "commitment": offer.commitment,
        "committed_days": offer.committed_days})
    return record


@transaction.atomic
def agency_offer_remove(*, actor, agency: Agency, item: Product) -> None:
    require_perm(actor, EDIT_AGENCY, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    deleted, _detail = StockRecord.objects.filter(partner_id=agency.partner_id,
                                                  product=item).delete()
    if not deleted:
        raise ValidationFailed(_("The agency has no offer on this item."))
    audit_record(actor=actor, action="agency.offer_removed", obj=agency, data={"item": item.pk})


@transaction.atomic
def agency_qualification_add(*, actor, agency: Agency,
                             qualification: QualificationInput) -> Qualification:
    require_perm(actor, EDIT_AGENCY, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    qual = _qualification_write(agency, qualification)
    audit_record(actor=actor, action="agency.qualification_added", obj=agency, data={
        "id": qual.pk, "name": qual.name, "grade": qual.grade, "number": qual.number,
        "valid_until": qual.valid_until})
    return qual


def _child_remove(*, actor, agency: Agency, model, pk: int, missing: str, action: str) -> None:
    """Delete the ``model`` row ``pk`` of ``agency``'s profile and audit it. Call inside the
    service's transaction."""
    require_perm(actor, EDIT_AGENCY, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    deleted, _detail = model.objects.filter(agency=agency, pk=pk).delete()
    if not deleted:
        raise ValidationFailed(missing)
    audit_record(actor=actor, action=action, obj=agency, data={"id": pk})


@transaction.atomic
def agency_qualification_remove(*, actor, agency: Agency, qualification_id: int) -> None:
    _child_remove(actor=actor, agency=agency, model=Qualification, pk=qualification_id,
                  missing=_("No such qualification on this profile."),
                  action="agency.qualification_removed")


@transaction.atomic
def agency_practitioner_add(*, actor, agency: Agency,
                            practitioner: PractitionerInput) -> Practitioner:
    require_perm(actor, EDIT_AGENCY, agency)
    agency = lock(Agency, agency, missing=_("No such agency."))
    person = _practitioner_write(agency, practitioner)
    audit_record(actor=actor, action="agency.practitioner_added", obj=agency, data={
        "id": person.pk, "name": person.name, "certificate": person.certificate})
    return person


@transaction.atomic
def agency_practitioner_remove(*, actor, agency: Agency, practitioner_id: int) -> None:
    _child_remove(actor=actor, agency=agency, model=Practitioner, pk=practitioner_id,
                  missing=_("No such practitioner on this profile."),
                  action="agency.practitioner_removed")
