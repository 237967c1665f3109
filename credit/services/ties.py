"""Writes of the regulator's workspace other than inspections: the review of declared ties to
government departments (红顶中介, R8)."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from core.roles import Kind, require_kind
from credit.models_regulator import TieReview


@transaction.atomic
def tie_review_record(*, actor, agency, note: str) -> TieReview:
    """A regulator marks an agency's declared tie as reviewed, with a note (audited)."""
    require_kind(actor, Kind.REGULATOR)
    try:
        agency = Agency.objects.select_for_update().get(pk=getattr(agency, "pk", agency))
    except Agency.DoesNotExist:
        raise NotFound(_("This agency does not exist.")) from None
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Write what the review found."), field="note")
    review = TieReview.objects.create(agency=agency, note=note, reviewed_by=actor,
                                      department=agency.gov_tie_department)
    audit_record(actor=actor, action="agency.tie_reviewed", obj=agency,
                 data={"review": review.pk, "department": agency.gov_tie_department,
                       "declared": agency.gov_tie_declared, "note": note})
    return review
