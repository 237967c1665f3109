"""Writes of the purchasers' credit (two-sided accountability, docs/design.md R9).

``purchaser_credit_event_record`` is the one way in: the ratings service (an agency's rating of
the purchaser) and the receiver of ``bidding.signals.purchaser_defaulted`` (a contract left
unconfirmed past the deadline, an award declined without an accepted cause) call it. It appends
the event under a lock on the purchaser's organisation row, recomputes the stored score from the
whole ledger (``credit.selectors.purchasers.purchaser_score``) in the same transaction and audits
both.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.models import Award
from core.audit import audit_record
from core.errors import ValidationFailed
from core.locking import lock
from core.models import Organisation
from core.money import parse_decimal
from credit import scoring
from credit.models import PurchaserCredit, PurchaserCreditEvent
from credit.selectors.purchasers import purchaser_score
from credit.services import notices
from credit.services.ledger import _ref
from credit.services.sanctions import _user

Kind = PurchaserCreditEvent.Kind
Source = PurchaserCreditEvent.Source


@transaction.atomic
def purchaser_credit_event_record(*, purchaser: Organisation | int, kind: str, source: str,
                                  actor=None, stars=None, reason: str = "",
                                  award: Award | None = None, ref=None,
                                  occurred_at: dt.datetime | None = None
                                  ) -> PurchaserCreditEvent:
    """Append one event to the purchaser's ledger and recompute its stored score, stars and
    grade. Called by other services that have authorised their actor. Idempotent on ``ref``
    (default: the award): the same kind for the same ref is recorded once."""
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown credit event kind."), field="kind")
    if source not in Source.values:
        raise ValidationFailed(_("Unknown credit event source."), field="source")
    org = lock(Organisation, purchaser, missing=_("No such purchaser."))
    if org.kind != Organisation.Kind.PURCHASER:
        raise ValidationFailed(_("Only a purchaser has a purchaser credit."), field="purchaser")
    ref_type, ref_id = _ref(ref if ref is not None else award)
    if ref_id:
        existing = PurchaserCreditEvent.objects.filter(
            purchaser=org, kind=kind, ref_type=ref_type, ref_id=ref_id).first()
        if existing is not None:
            return existing
    if kind == Kind.RATING:
        if stars is None:
            raise ValidationFailed(_("A rating needs its star average."), field="stars")
        stars, points = parse_decimal(stars, field="stars", lo=1, hi=5), Decimal(0)
    else:
        stars, points = None, scoring.PURCHASER_POINTS[kind]
    event = PurchaserCreditEvent.objects.create(
        purchaser=org, award=award, kind=kind, source=source, points=points, stars=stars,
        occurred_at=occurred_at or timezone.now(), rule_version=scoring.RULE_VERSION,
        reason=str(reason or "")[:4000], ref_type=ref_type, ref_id=ref_id,
        created_by=_user(actor))
    result = purchaser_score(org.pk)
    event.score_after = result.score
    event.save(update_fields=["score_after"])
    PurchaserCredit.objects.update_or_create(purchaser=org, defaults={
        "score": result.score, "stars": result.stars, "grade": result.grade,
        "events": PurchaserCreditEvent.objects.filter(purchaser=org).count()})
    audit_record(actor=actor, action="purchaser_credit.event_recorded", obj=event, data={
        "purchaser": org.pk, "award": award.pk if award else None, "kind": kind,
        "source": source, "points": points, "stars": stars,
        "ref": f"{ref_type}:{ref_id}" if ref_id else "", "score": result.score,
        "grade": result.grade})
    notices.purchaser_penalised_notify(event)
    return event
