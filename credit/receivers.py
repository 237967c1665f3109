"""The credit ledger's receivers of the project life cycle's extension points
(``bidding.signals``), connected in ``CreditConfig.ready``. Each records one credit event inside
the sender's transaction, so the event commits or rolls back with the state change that caused
it."""
from __future__ import annotations

from bidding import signals
from credit.models import CreditEvent, PurchaserCreditEvent
from credit.services.ledger import credit_event_record
from credit.services.purchasers import purchaser_credit_event_record


def on_award_refused(sender, *, award, missed=False, actor=None, **kwargs):
    """The winner refused to sign (or let the deadline pass): a violation, and the exit
    trigger suspends the agency."""
    kind = CreditEvent.Kind.CONTRACT_MISSED if missed else CreditEvent.Kind.CONTRACT_REFUSED
    credit_event_record(
        agency=award.agency_id, kind=kind, source=CreditEvent.Source.OPERATOR, actor=actor,
        ref=award, reason=f"{award.project}（{award.code}）")


def on_delivery_decided(sender, *, delivery, accepted, on_time=True, actor=None, **kwargs):
    """An accepted result counts as delivered on time or late (a returned one counts nothing
    until it is accepted)."""
    if not accepted:
        return
    kind = CreditEvent.Kind.DELIVERY_ON_TIME if on_time else CreditEvent.Kind.DELIVERY_LATE
    award = delivery.award
    credit_event_record(
        agency=award.agency_id, kind=kind, source=CreditEvent.Source.PURCHASER, actor=actor,
        ref=delivery, reason=f"{award.project}（{award.code}）")


def on_objection_decided(sender, *, objection, upheld, actor=None, **kwargs):
    """An objection upheld against an award counts against the agency that won it."""
    if not upheld:
        return
    award = objection.award
    credit_event_record(
        agency=award.agency_id, kind=CreditEvent.Kind.OBJECTION_UPHELD,
        source=CreditEvent.Source.OPERATOR, actor=actor, ref=objection,
        reason=objection.decision or f"{award.project}（{award.code}）")


def on_purchaser_defaulted(sender, *, award, missed, actor=None, reason="", **kwargs):
    """The purchaser did not do its part (two-sided accountability): an event on the
    purchaser's own credit, once per award and kind; the agency's credit is not touched."""
    kind = (PurchaserCreditEvent.Kind.CONTRACT_MISSED if missed
            else PurchaserCreditEvent.Kind.AWARD_DECLINED)
    purchaser_credit_event_record(
        purchaser=award.project.purchaser_id, kind=kind,
        source=PurchaserCreditEvent.Source.OPERATOR, actor=actor, award=award,
        reason=f"{award.project}（{award.code}）: {reason}" if reason
        else f"{award.project}（{award.code}）")


def connect() -> None:
    signals.award_refused.connect(on_award_refused, dispatch_uid="credit.award_refused")
    signals.delivery_decided.connect(on_delivery_decided, dispatch_uid="credit.delivery_decided")
    signals.objection_decided.connect(on_objection_decided,
                                      dispatch_uid="credit.objection_decided")
    signals.purchaser_defaulted.connect(on_purchaser_defaulted,
                                        dispatch_uid="credit.purchaser_defaulted")
