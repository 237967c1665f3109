"""Objections (异议) to an award, during its objection period (docs/design.md).

A signed-up agency other than the winner objects; the purchaser answers; a regulator decides.
Upheld: the award is WITHDRAWN and the next in the published ranking is offered it
(``award_offer_next``). Each service locks the project, then the award, then the objection.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import bidding.permissions  # noqa: F401  (registers the bidding.* permissions)
from agencies.models import Agency
from bidding import signals
from bidding.models import Award, Objection, Project
from bidding.selectors.awards import has_pending_objection, objection_period_over
from bidding.services import notices
from bidding.services.awards import award_offer_next
from bidding.services.checks import required_text
from core.audit import audit_record
from core.errors import Conflict
from core.locking import lock
from core.permissions import require_perm
from core.roles import organisation_of
from core.transitions import transition
from core.workdays import add_working_days

AWARD_ROWS = ("project", "agency", "signup")


@transaction.atomic
def objection_file(*, actor, award: Award, text: str) -> Objection:
    """A signed-up agency (not the winner) objects to the award during the objection period."""
    lock(Project, award.project_id)
    award = lock(Award, award, related=AWARD_ROWS, missing=_("No such award."))
    require_perm(actor, "bidding.object_to_award", award)
    agency = Agency.objects.get(organisation=organisation_of(actor))
    if award.status != Award.Status.NOTICE or objection_period_over(award):
        raise Conflict(_("The objection period of this award has ended."))
    if award.objections.filter(agency=agency).exists():
        raise Conflict(_("Your agency has already filed an objection to this award."))
    text = required_text(text, "text", _("Say what you object to and why."))
    objection = Objection.objects.create(award=award, agency=agency, text=text)
    audit_record(actor=actor, action="objection.filed", obj=objection,
                 data={"award": award.pk, "agency": agency.pk, "text": text})
    notices.objection_filed(objection)
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    """The purchaser answers a filed objection."""
    lock(Project, objection.award.project_id)
    lock(Award, objection.award_id)
    objection = lock(Objection, objection, related=("award__project",),
                     missing=_("No such objection."))
    require_perm(actor, "bidding.answer_objection", objection)
    Objection.transitions.check(objection, "answer")
    objection.answer = required_text(answer, "answer", _("Write the purchaser's answer."))
    transition(objection, "answer", actor=actor, data={"answer": objection.answer},
               fields=["answer"])
    notices.objection_answered(objection)
    return objection


@transaction.atomic
def objection_decide(*, actor, objection: Objection, upheld: bool, decision: str) -> Objection:
    """A regulator decides an objection (with a public decision text).

    Upheld: the award is WITHDRAWN with the decision as public reason and the next candidate in
    the published ranking is offered the award (a new notice with its own objection period); if
    nobody is left the project FAILS. Rejected: the award stands; if the objection period is
    already over, the contract deadline is counted again from the decision.
    Sends ``objection_decided``.
    """
    lock(Project, objection.award.project_id)
    award = lock(Award, objection.award_id, related=AWARD_ROWS, missing=_("No such award."))
    objection = lock(Objection, objection, missing=_("No such objection."))
    require_perm(actor, "bidding.decide_objection", objection)
    move = "uphold" if upheld else "reject"
    Objection.transitions.check(objection, move)
    objection.decision = required_text(decision, "decision",
                                       _("Write the decision and its reasons."))
    transition(objection, move, actor=actor, fields=["decision"],
               data={"upheld": bool(upheld), "decision": objection.decision})
    signals.objection_decided.send(sender=Award, objection=objection, upheld=bool(upheld),
                                   actor=actor)
    objection.award = award
    notices.objection_decided(objection, upheld=bool(upheld))
    now = timezone.now()
    if upheld and Award.transitions.allowed(award, "withdraw"):
        award.status_reason = objection.decision
        transition(award, "withdraw", actor=actor, fields=["status_reason"],
                   data={"reason": award.status_reason, "objection": objection.pk})
        award_offer_next(project=award.project, previous=award, actor=actor,
                         why=_("objection upheld"))
    elif not upheld and objection_period_over(award, now) and not has_pending_objection(award):
        award.contract_deadline = add_working_days(
            now, settings.MARKETPLACE["CONTRACT_WORKING_DAYS"])
        award.save(update_fields=["contract_deadline", "modified"])
    return objection
