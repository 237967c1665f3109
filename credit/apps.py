"""The credit app. ``ready`` connects the ledger to the extension points of the project life
cycle (``bidding.signals``); each receiver records one credit event inside the sender's
transaction, so the event commits or rolls back with the state change that caused it."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def on_award_refused(sender, *, award, missed=False, actor=None, **kwargs):
    """The winner refused to sign (or let the deadline pass): a violation, and the exit
    trigger suspends the agency."""
    from credit.models import CreditEvent
    from credit.services.ledger import credit_event_record

    kind = CreditEvent.Kind.CONTRACT_MISSED if missed else CreditEvent.Kind.CONTRACT_REFUSED
    credit_event_record(
        agency=award.agency_id, kind=kind, source=CreditEvent.Source.OPERATOR, actor=actor,
        ref=award, reason=f"{award.project}（{award.code}）")


def on_delivery_decided(sender, *, delivery, accepted, on_time=True, actor=None, **kwargs):
    """An accepted result counts as delivered on time or late (a returned one counts nothing
    until it is accepted)."""
    if not accepted:
        return
    from credit.models import CreditEvent
    from credit.services.ledger import credit_event_record

    kind = CreditEvent.Kind.DELIVERY_ON_TIME if on_time else CreditEvent.Kind.DELIVERY_LATE
    award = delivery.award
    credit_event_record(
        agency=award.agency_id, kind=kind, source=CreditEvent.Source.PURCHASER, actor=actor,
        ref=delivery, reason=f"{award.project}（{award.code}）")


def on_objection_decided(sender, *, objection, upheld, actor=None, **kwargs):
    """An objection upheld against an award counts against the agency that won it."""
    if not upheld:
        return
    from credit.models import CreditEvent
    from credit.services.ledger import credit_event_record

    award = objection.award
    credit_event_record(
        agency=award.agency_id, kind=CreditEvent.Kind.OBJECTION_UPHELD,
        source=CreditEvent.Source.OPERATOR, actor=actor, ref=objection,
        reason=objection.decision or f"{award.project}（{award.code}）")


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = _("Credit and exit")

    def ready(self):
        from bidding import signals
        from bidding.eligibility import register_standing_check
        from core.audit import register_actions
        from credit.actions import ACTIONS
        from credit.selectors.ledger import sanction_block_reason

        register_actions(ACTIONS)
        # The exit mechanism's one check (R10), on every sign-up and every bid.
        register_standing_check("credit.sanctions", sanction_block_reason)

        signals.award_refused.connect(on_award_refused, dispatch_uid="credit.award_refused")
        signals.delivery_decided.connect(on_delivery_decided,
                                         dispatch_uid="credit.delivery_decided")
        signals.objection_decided.connect(on_objection_decided,
                                          dispatch_uid="credit.objection_decided")
