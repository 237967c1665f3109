"""Delivery of the result (成果交付): the winner delivers, the purchaser accepts or returns it.

Accepting makes the award ACCEPTED (the purchaser may then rate the agency); returning, with a
reason, puts the service back IN_SERVICE. Either way ``delivery_decided`` tells the credit ledger
whether the result came within the service time limit. Each service locks the project, then the
award, then the delivery.
"""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

import bidding.permissions  # noqa: F401  (registers the bidding.* permissions)
from bidding import signals
from bidding.models import Award, Delivery, Project
from bidding.selectors.awards import service_due
from bidding.services import notices
from bidding.services.checks import check_file, required_text
from core.audit import audit_record
from core.locking import lock
from core.permissions import require_perm
from core.transitions import transition

AWARD_ROWS = ("project", "agency", "signup")


@transaction.atomic
def delivery_submit(*, actor, award: Award, file, note: str = "") -> Delivery:
    """The winning agency delivers its result (file + note); the purchaser then decides."""
    lock(Project, award.project_id)
    award = lock(Award, award, related=AWARD_ROWS, missing=_("No such award."))
    require_perm(actor, "bidding.submit_delivery", award)
    Award.transitions.check(award, "deliver")
    check_file(file)
    delivery = Delivery.objects.create(award=award, file=file, note=(note or "").strip())
    transition(award, "deliver", actor=actor, audit=False)
    audit_record(actor=actor, action="delivery.submitted", obj=delivery,
                 data={"award": award.pk, "file": delivery.file.name, "note": delivery.note})
    notices.delivery_submitted(delivery, award)
    return delivery


def _decide(*, actor, delivery: Delivery, accepted: bool, reason: str = "") -> Delivery:
    lock(Project, delivery.award.project_id)
    award = lock(Award, delivery.award_id, related=AWARD_ROWS, missing=_("No such award."))
    delivery = lock(Delivery, delivery, missing=_("No such delivery."))
    delivery.award = award
    require_perm(actor, "bidding.decide_delivery", delivery)
    move = "accept" if accepted else "return"
    Delivery.transitions.check(delivery, move)
    Award.transitions.check(award, f"{move}_result")
    due = service_due(award)
    delivery.on_time = due is None or delivery.created <= due
    if not accepted:
        delivery.reason = required_text(reason, "reason", _("Say why the result is returned."))
    transition(delivery, move, actor=actor, fields=["reason", "on_time"],
               data={"award": award.pk, "on_time": delivery.on_time, "reason": delivery.reason})
    transition(award, f"{move}_result", actor=actor, audit=False)
    signals.delivery_decided.send(sender=Award, delivery=delivery, accepted=accepted,
                                  on_time=delivery.on_time, actor=actor)
    notices.delivery_decided(delivery, award, accepted=accepted)
    return delivery


@transaction.atomic
def delivery_accept(*, actor, delivery: Delivery) -> Delivery:
    """The purchaser accepts the result: the award is ACCEPTED (the purchaser may rate it).
    Sends ``delivery_decided`` (accepted=True, on_time against the service time limit)."""
    return _decide(actor=actor, delivery=delivery, accepted=True)


@transaction.atomic
def delivery_return(*, actor, delivery: Delivery, reason: str) -> Delivery:
    """The purchaser returns the result with a reason; the service goes on (IN_SERVICE)."""
    return _decide(actor=actor, delivery=delivery, accepted=False, reason=reason)
