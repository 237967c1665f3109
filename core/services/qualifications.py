"""Writes of the catalogue's statutory qualifications (R3, docs/design.md): the qualifications a
law requires for each service item, kept by the operators in the admin (core/admin.py). A
posting's qualification rows are picked from this list (``bidding/rules.py``). Every change is
audited with the values before and after; an entry a posting already refers to is never deleted
(mark it abolished instead, with the abolishing decision and its date)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.catalogue import SERVICE_CLASS_SLUG, Product
from core.errors import Conflict, ValidationFailed, from_django_validation
from core.locking import lock
from core.models import StatutoryQualification
from core.permissions import require_perm

FIELDS = ("item", "name", "grade", "legal_basis", "authority", "abolished_by", "abolished_on")


def _snapshot(entry: StatutoryQualification) -> dict:
    return {"item": entry.item_id, "name": entry.name, "grade": entry.grade,
            "legal_basis": entry.legal_basis, "authority": entry.authority,
            "abolished_by": entry.abolished_by,
            "abolished_on": entry.abolished_on.isoformat() if entry.abolished_on else None}


@transaction.atomic
def statutory_qualification_save(*, actor, entry: StatutoryQualification | None = None,
                                 item: Product, name: str, legal_basis: str, authority: str,
                                 grade: str = "", abolished_by: str = "",
                                 abolished_on: dt.date | None = None) -> StatutoryQualification:
    """Create (``entry=None``) or change a statutory qualification of a service item. An
    abolished one names the abolishing decision and its date, both or neither."""
    require_perm(actor, "core.edit_catalogue")
    if item is None or item.product_class is None or \
            item.product_class.slug != SERVICE_CLASS_SLUG:
        raise ValidationFailed(_("Choose a service item of the catalogue."), field="item")
    values = {"item": item, "name": (name or "").strip(), "grade": (grade or "").strip(),
              "legal_basis": (legal_basis or "").strip(), "authority": (authority or "").strip(),
              "abolished_by": (abolished_by or "").strip(), "abolished_on": abolished_on}
    if values["abolished_by"] and values["abolished_on"] is None:
        raise ValidationFailed(_("Give the date the decision abolished it."),
                               field="abolished_on")
    if values["abolished_on"] is not None and not values["abolished_by"]:
        raise ValidationFailed(_("Name the decision that abolished it."), field="abolished_by")
    before = None
    if entry is not None and entry.pk:
        entry = lock(StatutoryQualification, entry, missing=_("No such qualification."))
        before = _snapshot(entry)
    else:
        entry = StatutoryQualification()
    for field, value in values.items():
        setattr(entry, field, value)
    try:
        entry.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    entry.save()
    audit_record(actor=actor, action="statutory_qualification.saved", obj=entry,
                 data={"before": before, "after": _snapshot(entry)})
    return entry


@transaction.atomic
def statutory_qualification_delete(*, actor, entry: StatutoryQualification) -> None:
    """Delete an entry no posting refers to; one in use is refused (mark it abolished)."""
    require_perm(actor, "core.edit_catalogue")
    entry = lock(StatutoryQualification, entry, missing=_("No such qualification."))
    before = _snapshot(entry)
    pk = entry.pk
    try:
        entry.delete()
    except ProtectedError as exc:
        raise Conflict(_("Postings refer to this qualification; mark it abolished instead of "
                         "deleting it.")) from exc
    entry.pk = pk
    audit_record(actor=actor, action="statutory_qualification.deleted", obj=entry,
                 data={"before": before})
