"""The contract (合同) after the award, and the periodic deadline work (docs/design.md).

Once the objection period is over with no objection pending, the award is CONTRACTING: one side
(the purchaser or the winner) uploads the signed contract, the other confirms it and the service
starts (IN_SERVICE). The winner may refuse to sign; a deadline passing by the winner's fault
supersedes the award just the same (``award_refused``), and the runner-up is offered it.

Accountability runs both ways (docs/design.md R9): the deadline passing while the contract awaits
the purchaser's confirmation is the purchaser's fault (``purchaser_defaulted``, missed=True; the
award is not taken from the winner), and a purchaser that declines the award without a cause the
rules accept (``award_decline``) is recorded too (``purchaser_defaulted``, missed=False).
Each service locks the project, then the award, then the contract.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import bidding.permissions  # noqa: F401  (registers the bidding.* permissions)
from bidding import signals
from bidding.eligibility import BARRED
from bidding.models import Award, Contract, Objection, Project
from bidding.selectors.awards import has_pending_objection, objection_period_over, service_due
from bidding.services import notices
from bidding.services.awards import award_offer_next
from bidding.services.checks import check_file, required_text
from core.audit import audit_record
from core.errors import Conflict, NotAllowed
from core.locking import lock
from core.permissions import require_perm
from core.roles import organisation_of
from core.transitions import transition
from core.workdays import add_working_days

AWARD_ROWS = ("project", "agency", "signup")


def _contract(award: Award) -> Contract | None:
    """The award's contract; the award's row lock guards it (every write to it holds that)."""
    return Contract.objects.filter(award=award).first()


def _enter_contracting(award: Award, now) -> None:
    """NOTICE → CONTRACTING once the objection period is over and no objection is pending."""
    if award.status == Award.Status.NOTICE:
        if not objection_period_over(award, now):
            raise Conflict(_("The contract can be signed only after the objection period "
                             "(until %(until)s).") % {
                "until": timezone.localtime(award.objection_until).strftime("%Y-%m-%d %H:%M")})
        if has_pending_objection(award):
            raise Conflict(_("An objection is still pending; wait for the regulator's decision."))
        if award.contract_deadline is None:
            award.contract_deadline = add_working_days(
                award.objection_until, settings.MARKETPLACE["CONTRACT_WORKING_DAYS"])
        transition(award, "open_contracting", actor=None, fields=["contract_deadline"],
                   data={"contract_deadline": award.contract_deadline})
    elif award.status != Award.Status.CONTRACTING:
        raise Conflict(_("This award is not awaiting a contract (status: %(status)s).") % {
            "status": award.get_status_display()})


@transaction.atomic
def contract_upload(*, actor, award: Award, file) -> Contract:
    """The purchaser or the winner uploads the signed contract; the other side confirms it.
    An unconfirmed contract can be replaced by the side that uploaded it."""
    lock(Project, award.project_id)
    award = lock(Award, award, related=AWARD_ROWS, missing=_("No such award."))
    require_perm(actor, "bidding.upload_contract", award)
    now = timezone.now()
    _enter_contracting(award, now)
    if award.contract_deadline and now > award.contract_deadline:
        raise Conflict(_("The contract deadline has passed."))
    check_file(file)
    org = organisation_of(actor)
    contract = _contract(award)
    if contract is not None:
        if contract.confirmed_at or contract.uploaded_by_id != org.pk:
            raise Conflict(_("A contract was already uploaded by the other side; confirm it "
                             "or refuse to sign."))
        contract.file = file
        contract.save(update_fields=["file", "modified"])
    else:
        contract = Contract.objects.create(award=award, file=file, uploaded_by=org)
    audit_record(actor=actor, action="contract.uploaded", obj=contract,
                 data={"award": award.pk, "by": org.pk, "file": contract.file.name})
    notices.contract_uploaded(contract, award)
    return contract


@transaction.atomic
def contract_confirm(*, actor, award: Award) -> Contract:
    """The other side confirms the uploaded contract: the service starts (IN_SERVICE)."""
    lock(Project, award.project_id)
    award = lock(Award, award, related=AWARD_ROWS, missing=_("No such award."))
    require_perm(actor, "bidding.confirm_contract", award)
    contract = _contract(award)
    if contract is None:
        raise Conflict(_("There is no uploaded contract to confirm."))
    Award.transitions.check(award, "start_service")
    if contract.confirmed_at:
        raise Conflict(_("The contract has already been confirmed."))
    org = organisation_of(actor)
    if contract.uploaded_by_id == org.pk:
        raise NotAllowed(_("The contract must be confirmed by the other side."))
    now = timezone.now()
    if award.contract_deadline and now > award.contract_deadline:
        raise Conflict(_("The contract deadline has passed."))
    contract.confirmed_by = org
    contract.confirmed_at = now
    contract.save(update_fields=["confirmed_by", "confirmed_at", "modified"])
    transition(award, "start_service", actor=actor, audit=False)
    audit_record(actor=actor, action="contract.confirmed", obj=contract,
                 data={"award": award.pk, "by": org.pk, "at": now})
    notices.contract_confirmed(contract, award, due=service_due(award))
    return contract


def _supersede(*, award: Award, actor, missed: bool, reason: str) -> Award | None:
    award.status_reason = reason
    transition(award, "supersede", actor=actor, fields=["status_reason"],
               data={"missed_deadline": missed, "reason": reason})
    signals.award_refused.send(sender=Award, award=award, missed=missed, actor=actor)
    if missed:
        notices.contract_missed(award, purchaser_at_fault=False)
    return award_offer_next(project=award.project, previous=award, actor=actor,
                            why=_("the winner did not sign") if missed
                            else _("the winner refused to sign"))


@transaction.atomic
def contract_refuse(*, actor, award: Award, reason: str) -> Award | None:
    """The winner refuses to sign (a credit violation, ``award_refused`` with missed=False).
    The runner-up is offered the award; returns its new award, or None when the project fails."""
    lock(Project, award.project_id)
    award = lock(Award, award, related=AWARD_ROWS, missing=_("No such award."))
    require_perm(actor, "bidding.refuse_contract", award)
    Award.transitions.check(award, "supersede")
    if Contract.objects.filter(award=award, confirmed_at__isnull=False).exists():
        raise Conflict(_("The contract has already been confirmed."))
    reason = required_text(reason, "reason", _("Give the reason for refusing to sign."))
    notices.contract_refused(award, reason=reason)
    return _supersede(award=award, actor=actor, missed=False,
                      reason=_("The winner refused to sign the contract: %(reason)s") % {
                          "reason": reason})


AGENCY, PURCHASER = "agency", "purchaser"


def party_at_fault(award: Award) -> str | None:
    """After the deadline, the side that did not do its part (``AGENCY`` or ``PURCHASER``), from
    the contract record: uploaded by the winner and unconfirmed → it awaited the purchaser's
    confirmation (``PURCHASER``); uploaded by the purchaser and unconfirmed → it awaited the
    winner's (``AGENCY``); nothing uploaded → the winner, who may upload or refuse itself and
    whose award passes to the runner-up (``AGENCY``); confirmed → nobody (None)."""
    contract = _contract(award)
    if contract is None:
        return AGENCY
    if contract.confirmed_at:
        return None
    return PURCHASER if contract.uploaded_by_id == award.agency.organisation_id else AGENCY


@transaction.atomic
def award_decline(*, actor, award: Award, reason: str) -> Award | None:
    """The purchaser declines the award before the contract is confirmed, with a public reason.

    The one cause the rules accept is one the platform can check: the winner is suspended or
    expelled (R10) — the award is withdrawn and the runner-up offered it (returns the new
    award, or None when the project fails). Any other reason is a default of the purchaser
    (``purchaser_defaulted``, missed=False, a purchaser credit event): the award is withdrawn
    and the project fails; the runner-up is not offered it, or declining would let a purchaser
    pick among the bidders (R4)."""
    lock(Project, award.project_id)
    award = lock(Award, award, related=AWARD_ROWS, missing=_("No such award."))
    require_perm(actor, "bidding.decline_award", award)
    Award.transitions.check(award, "withdraw")
    if Contract.objects.filter(award=award, confirmed_at__isnull=False).exists():
        raise Conflict(_("The contract has already been confirmed."))
    reason = required_text(reason, "reason", _("Give the reason for declining the award."))
    accepted = award.agency.standing in BARRED
    award.status_reason = (
        _("The purchaser declined the award: the winner is suspended or expelled (%(reason)s)")
        if accepted else
        _("The purchaser declined the award without a cause the rules accept: %(reason)s")
    ) % {"reason": reason}
    transition(award, "withdraw", actor=actor, fields=["status_reason"],
               data={"reason": award.status_reason, "by_purchaser": True,
                     "accepted_cause": accepted})
    notices.award_declined(award, reason=reason)
    if accepted:
        return award_offer_next(project=award.project, previous=award, actor=actor,
                                why=_("the winner is suspended or expelled"))
    signals.purchaser_defaulted.send(sender=Award, award=award, missed=False, actor=actor,
                                     reason=reason)
    project = award.project
    project.status_reason = award.status_reason
    transition(project, "fail", actor=actor, fields=["status_reason"],
               data={"reason": project.status_reason, "after_award": award.pk})
    notices.project_failed(project)
    return None


def contract_deadlines_enforce(*, now=None) -> dict:
    """Periodic work (``manage.py contract_deadlines``), safe to run twice at once: each award
    is handled in its own transaction under the project and award locks and re-checked there.

    - NOTICE awards whose objection period is over with no objection pending → CONTRACTING;
    - CONTRACTING awards past the contract deadline where the winner did not do its part →
      SUPERSEDED (``award_refused`` with missed=True) and the runner-up offered the award;
    - where the purchaser did not (``party_at_fault``) → ``purchaser_defaulted`` with
      missed=True, the award left with the winner. Sent again on each run while the award
      waits; the receiver records it once per award.
    """
    now = now or timezone.now()
    counts = {"contracting": 0, "superseded": 0, "reoffered": 0, "failed": 0,
              "purchaser_late": 0}
    due_notice = (Award.objects.filter(status=Award.Status.NOTICE, objection_until__lte=now)
                  .exclude(objections__status__in=Objection.PENDING)
                  .values_list("pk", "project_id"))
    for pk, project_id in list(due_notice):
        with transaction.atomic():
            lock(Project, project_id)
            award = lock(Award, pk, related=AWARD_ROWS)
            if award.status == Award.Status.NOTICE and objection_period_over(award, now) \
                    and not has_pending_objection(award):
                _enter_contracting(award, now)
                counts["contracting"] += 1
    overdue = (Award.objects.filter(status=Award.Status.CONTRACTING, contract_deadline__lt=now)
               .values_list("pk", "project_id"))
    for pk, project_id in list(overdue):
        with transaction.atomic():
            lock(Project, project_id)
            award = lock(Award, pk, related=AWARD_ROWS)
            if award.status != Award.Status.CONTRACTING or not award.contract_deadline \
                    or award.contract_deadline >= now:
                continue
            fault = party_at_fault(award)
            if fault == PURCHASER:
                signals.purchaser_defaulted.send(sender=Award, award=award, missed=True,
                                                 actor=None, reason="")
                notices.contract_missed(award, purchaser_at_fault=True)  # once: its key
                counts["purchaser_late"] += 1
                continue
            if fault is None:
                continue
            nxt = _supersede(award=award, actor=None, missed=True,
                             reason=_("The winner did not sign the contract before the "
                                      "deadline."))
            counts["superseded"] += 1
            counts["reoffered" if nxt else "failed"] += 1
    return counts
