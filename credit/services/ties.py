"""Writes of the regulator's workspace other than inspections: the review of declared ties to
government departments (红顶中介, R8)."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from core.audit import audit_record
from core.errors import ValidationFailed
from core.locking import lock
from core.permissions import require_perm
from credit import permissions  # noqa: F401  (registers the credit permissions)
from credit.models import TieReview
from credit.services import notices


@transaction.atomic
def tie_review_record(*, actor, agency, note: str) -> TieReview:
    """A regulator marks an agency's declared tie as reviewed, with a note (audited)."""
    require_perm(actor, "credit.review_tie")
    agency = lock(Agency, agency, missing=_("This agency does not exist."))
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Write what the review found."), field="note")
    review = TieReview.objects.create(agency=agency, note=note, reviewed_by=actor,
                                      department=agency.gov_tie_department)
    audit_record(actor=actor, action="agency.tie_reviewed", obj=agency,
                 data={"review": review.pk, "department": agency.gov_tie_department,
                       "declared": agency.gov_tie_declared, "note": note})
    notices.tie_reviewed_notify(review)
    return review
