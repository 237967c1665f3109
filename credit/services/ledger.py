"""Writes of the credit ledger (R9, R11): events appended, voided, regulators' findings and
credit repair.

Each event is appended under a lock on the agency row; the agency's stored score, stars and
grade are recomputed from its own ledger (``credit.selectors.ledger.agency_score``: the same
rows, grouping and ``scoring.Scorer`` as the full recompute, ``credit.services.recompute``) in
the same transaction, then the exit triggers run (``credit.services.exits``). Everything is
audited.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from core.audit import audit_record_many
from core.errors import Conflict, NotFound, ValidationFailed
from core.locking import lock
from core.money import parse_decimal
from core.permissions import require_perm
from credit import (
    permissions,  # noqa: F401  (registers the credit permissions)
    scoring,
)
from credit.models import CreditEvent
from credit.selectors import ledger as selectors
from credit.services import notices
from credit.services.exits import _exit_apply, _exit_may_apply
from credit.services.sanctions import _user, lock_agency

Kind = CreditEvent.Kind
Source = CreditEvent.Source


def _ref(ref) -> tuple[str, str]:
    if ref is None:
        return "", ""
    if isinstance(ref, tuple):
        return str(ref[0]), str(ref[1])
    return ref._meta.label_lower, str(ref.pk)


def _score_agency(agency: Agency, *, as_of: dt.date | None = None) -> scoring.Result:
    """Recompute ``agency``'s stored score from its ledger. Call holding the agency lock."""
    result = selectors.agency_score(agency.pk, as_of=as_of)
    changed = (agency.credit_score != result.score or agency.credit_stars != result.stars
               or agency.credit_grade != result.grade)
    agency.credit_score, agency.credit_stars, agency.credit_grade = (
        result.score, result.stars, result.grade)
    if changed:
        agency.save(update_fields=["credit_score", "credit_stars", "credit_grade", "modified"])
    return result


@transaction.atomic
def credit_event_record(*, agency: Agency | int, kind: str, source: str, actor=None,
                        points=None, stars=None, reason: str = "", ref=None,
                        occurred_at: dt.datetime | None = None) -> CreditEvent:
    """Append one event to ``agency``'s ledger, update its stored score/stars/grade in the same
    transaction and run the exit triggers.

    Called by other services (ratings, inspections, bidding signal receivers) which have already
    authorised their actor. ``points`` defaults to the rule version's points for ``kind``;
    ``stars`` is required for a rating (its star average, 1–5). With a ``ref`` (a model instance
    or ``(type, id)``) the call is idempotent: the same kind for the same ref is recorded once."""
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown credit event kind."), field="kind")
    if source not in Source.values:
        raise ValidationFailed(_("Unknown credit event source."), field="source")
    now = timezone.now()
    locked = lock_agency(agency)
    ref_type, ref_id = _ref(ref)
    if ref_id:
        existing = CreditEvent.objects.filter(agency=locked, kind=kind, ref_type=ref_type,
                                              ref_id=ref_id).first()
        if existing is not None:
            return existing
    if kind == Kind.RATING:
        if stars is None:
            raise ValidationFailed(_("A rating needs its star average."), field="stars")
        stars = parse_decimal(stars, field="stars", lo=1, hi=5)
        points = Decimal(0)
    else:
        stars = None
        points = scoring.DEFAULT_POINTS[kind] if points is None else parse_decimal(
            points, field="points", lo=-100, hi=100)
    event = CreditEvent(
        agency=locked, kind=kind, source=source, points=points, stars=stars,
        occurred_at=occurred_at or now, rule_version=scoring.RULE_VERSION,
        reason=str(reason or "")[:4000], ref_type=ref_type, ref_id=ref_id,
        created_by=_user(actor),
    )
    event.save()
    before = locked.credit_grade
    result = _score_agency(locked)
    event.score_after = result.score
    event.save(update_fields=["score_after"])
    audits = [{"actor": actor, "action": "credit.event_recorded", "obj": event,
               "data": {"agency": locked.pk, "kind": kind, "source": source, "points": points,
                        "stars": stars, "ref": f"{ref_type}:{ref_id}" if ref_id else "",
                        "score": result.score, "grade": result.grade}}]
    if _exit_may_apply(locked.standing, kind=kind, result=result):
        _exit_apply(locked, event=event, result=result, now=now, actor=actor, audits=audits)
    audit_record_many(audits)
    notices.grade_changed_notify(locked, before=before, result=result,
                                 key=f"{locked.pk}:{event.pk}")
    if isinstance(agency, Agency):
        _copy_credit(locked, agency)
    return event


def _copy_credit(src: Agency, dst: Agency) -> None:
    for name in ("credit_score", "credit_stars", "credit_grade", "standing"):
        setattr(dst, name, getattr(src, name))


@transaction.atomic
def credit_event_void(*, actor, event: CreditEvent | int, reason: str) -> CreditEvent:
    """A regulator voids an event with a public reason: it stops counting but stays listed."""
    require_perm(actor, "credit.void_event")
    return _void(actor=actor, event=event, reason=reason)


def _void(*, actor, event: CreditEvent | int, reason: str) -> CreditEvent:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for voiding; it is published."),
                               field="reason")
    pk = event if isinstance(event, int) else event.pk
    agency_id = CreditEvent.objects.filter(pk=pk).values_list("agency_id", flat=True).first()
    if agency_id is None:
        raise NotFound(_("No such credit event."))
    agency = lock_agency(agency_id)
    locked = lock(CreditEvent, pk, missing=_("No such credit event."))
    if locked.voided:
        raise Conflict(_("This event has already been voided."))
    now = timezone.now()
    locked.voided, locked.voided_reason, locked.voided_at = True, reason, now
    locked.voided_by = _user(actor)
    locked.save(update_fields=["voided", "voided_reason", "voided_at", "voided_by"])
    before = agency.credit_grade
    result = _score_agency(agency)
    audits = [{"actor": actor, "action": "credit.event_voided", "obj": locked,
               "data": {"agency": agency.pk, "kind": locked.kind, "reason": reason,
                        "score": result.score, "grade": result.grade}}]
    _exit_apply(agency, event=None, result=result, now=now, actor=actor, audits=audits)
    audit_record_many(audits)
    notices.grade_changed_notify(agency, before=before, result=result,
                                 key=f"{agency.pk}:void:{locked.pk}")
    return locked


@transaction.atomic
def credit_event_void_for_ref(*, actor, ref, reason: str, kind: str | None = None) -> int:
    """Void the events recorded for ``ref`` (e.g. a rating a regulator voided). Returns how many
    were voided. The caller (e.g. ``ratings.services.ratings``) has authorised ``actor``."""
    ref_type, ref_id = _ref(ref)
    qs = CreditEvent.objects.filter(ref_type=ref_type, ref_id=ref_id, voided=False)
    if kind:
        qs = qs.filter(kind=kind)
    ids = list(qs.values_list("pk", flat=True))
    for pk in ids:
        _void(actor=actor, event=pk, reason=reason)
    return len(ids)


@transaction.atomic
def credit_finding_record(*, actor, agency: Agency | int, kind: str = Kind.REGULATOR_FINDING,
                          points=None, reason: str) -> CreditEvent:
    """A regulator records a finding (or fraud, refusal to obey management…) on an agency."""
    require_perm(actor, "credit.record_event")
    allowed = {Kind.REGULATOR_FINDING, Kind.REGISTRATION_FRAUD, Kind.REFUSED_MANAGEMENT,
               Kind.COMPLAINT_UPHELD, Kind.INSPECTION_PASS, Kind.INSPECTION_FAIL}
    if kind not in allowed:
        raise ValidationFailed(_("A regulator cannot record this kind of event."), field="kind")
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason; it is published."), field="reason")
    event = credit_event_record(agency=agency, kind=kind, source=Source.OPERATOR, actor=actor,
                                points=points, reason=reason)
    notices.finding_recorded_notify(event)
    return event


@transaction.atomic
def credit_repair(*, actor, agency: Agency | int, points, reason: str) -> CreditEvent:
    """Credit repair (信用修复): a regulator adds a positive repair event after the agency
    corrected its conduct."""
    require_perm(actor, "credit.record_event")
    value = parse_decimal(points, field="points", lo=Decimal("0.01"), hi=50)
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for the repair; it is published."),
                               field="reason")
    event = credit_event_record(agency=agency, kind=Kind.REPAIR, source=Source.OPERATOR,
                                actor=actor, points=value, reason=reason)
    notices.finding_recorded_notify(event)
    return event
