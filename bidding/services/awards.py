"""Awards (中选) and what follows: the notice, objections, the contract, delivery.

The award record is part of the hash-chained audit trail: ``record_hash`` is the sha256 of a
canonical JSON of the award's essential fields plus the hash of its ``award.made`` audit event,
and the public verification code is derived from ``record_hash``. Changing the price or the
agency in the database therefore changes the recomputed hash (``award_record_hash``) and the
verification reports the award as altered (``bidding.selectors.awards.award_verify``).

Life cycle (statuses of ``Award``)::

    NOTICE ──(objection period over, no objection pending)──> CONTRACTING
      │  objection upheld → WITHDRAWN, the next in the published ranking is offered the award
      │  (a new notice, rank + 1); nobody left → the project FAILS (流标)
    CONTRACTING ──(contract uploaded by one side, confirmed by the other)──> IN_SERVICE
      │  winner refuses, or the deadline passes without the winner doing its part
      │  → SUPERSEDED, ``award_refused`` sent, runner-up offered (rank + 1) or project FAILED
    IN_SERVICE ──(agency delivers)──> DELIVERED ──(purchaser accepts)──> ACCEPTED
                                          └──(purchaser returns with a reason)──> IN_SERVICE

Lock order everywhere: the project row, then the award row.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding import signals
from bidding.models import Award, Bid, Contract, Delivery, Objection, Project, SignUp
from core.audit import audit_record
from core.broadcast import broadcast
from core.errors import Conflict, NotAllowed, ValidationFailed
from core.roles import is_regulator, organisation_of
from core.workdays import add_working_days


def add_working_days_safe(start: dt.datetime, days: int) -> dt.datetime:
    """``start`` + ``days`` Chinese working days (R13, ``core.workdays``)."""
    return add_working_days(start, days)


def _money(value) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def award_canonical(award: Award) -> str:
    """The canonical JSON of the award's essential fields (what the record hash covers)."""
    return json.dumps(
        {
            "project": award.project_id,
            "investment_code": award.project.investment_code,
            "agency_uscc": award.agency.uscc,
            "price": _money(award.price),
            "method": award.method,
            "decided_at": award.decided_at.astimezone(dt.timezone.utc).isoformat(),
            "rank": award.rank,
        },
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )


def award_record_hash(award: Award, event_hash: str) -> str:
    return hashlib.sha256((award_canonical(award) + event_hash).encode("utf-8")).hexdigest()


def code_from_hash(record_hash: str) -> str:
    """12 base32 characters of the record hash, grouped ``XXXX-XXXX-XXXX``."""
    raw = base64.b32encode(bytes.fromhex(record_hash)).decode("ascii")[:12]
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(code: str) -> str:
    """Accept codes typed in lower case, with spaces or without dashes."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) != 12:
        return (code or "").strip().upper()
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def award_create(*, project: Project, signup: SignUp, price, quote=None, computation: dict,
                 actor=None, rank: int = 1) -> Award:
    """Make the award (status NOTICE) and move the project to AWARDED.

    Call inside the caller's transaction holding the project lock (``select_for_update`` on the
    project). Writes the ``award.made`` audit event, derives ``record_hash`` and the verification
    code from it, and broadcasts ``award.made`` to ``project_<id>`` and ``awards`` after commit.
    """
    now = timezone.now()
    computation = json.loads(json.dumps(computation or {}, cls=DjangoJSONEncoder,
                                        ensure_ascii=False))
    award = Award.objects.create(
        project=project,
        agency=signup.agency,
        signup=signup,
        rank=rank,
        price=Decimal(price).quantize(Decimal("0.01")),
        quote=quote,
        method=project.method,
        status=Award.Status.NOTICE,
        decided_at=now,
        objection_until=add_working_days_safe(
            now, settings.MARKETPLACE["OBJECTION_WORKING_DAYS"]),
        computation=computation,
        code="TMP-" + uuid.uuid4().hex[:16],
        record_hash="",
    )
    award.refresh_from_db(fields=["decided_at", "price"])
    event = audit_record(
        actor=actor, action="award.made", obj=award,
        data={
            "project": project.pk,
            "investment_code": project.investment_code,
            "agency": signup.agency_id,
            "agency_uscc": signup.agency.uscc,
            "price": _money(award.price),
            "quote": None if quote is None else str(quote),
            "method": project.method,
            "rank": rank,
            "decided_at": award.decided_at,
            "objection_until": award.objection_until,
        },
    )
    award.record_hash = award_record_hash(award, event.hash)
    award.code = code_from_hash(award.record_hash)
    award.save(update_fields=["record_hash", "code", "modified"])

    project.status = Project.Status.AWARDED
    project.save(update_fields=["status", "modified"])

    payload = {"type": "award.made", "project": project.pk, "award": award.pk,
               "agency": signup.agency.name, "price": _money(award.price), "rank": rank,
               "code": award.code}
    broadcast(f"project_{project.pk}", payload)
    broadcast("awards", payload)
    return award


# ---------------------------------------------------------------------------------------------
# helpers


ALLOWED_UPLOAD_EXTENSIONS = (".pdf", ".ofd", ".doc", ".docx", ".jpg", ".jpeg", ".png", ".zip")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PENDING_OBJECTION = (Objection.Status.FILED, Objection.Status.ANSWERED)


def _lock(award: Award) -> Award:
    """Lock the project, then the award (the order every service here uses)."""
    Project.objects.select_for_update().get(pk=award.project_id)
    return (Award.objects.select_for_update().select_related("project", "agency", "signup")
            .get(pk=award.pk))


def _is_purchaser(actor, project: Project) -> bool:
    org = organisation_of(actor)
    return org is not None and org.pk == project.purchaser_id


def _is_winner(actor, award: Award) -> bool:
    org = organisation_of(actor)
    return org is not None and org.pk == award.agency.organisation_id


def _require_purchaser(actor, project: Project) -> None:
    if not _is_purchaser(actor, project):
        raise NotAllowed(_("Only the purchaser of this project may do this."))


def _require_winner(actor, award: Award) -> None:
    if not _is_winner(actor, award):
        raise NotAllowed(_("Only the agency that won this award may do this."))


def _check_file(file, field: str = "file") -> None:
    if not file:
        raise ValidationFailed(_("Choose a file to upload."), field=field)
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(ALLOWED_UPLOAD_EXTENSIONS):
        raise ValidationFailed(
            _("Upload a PDF, OFD, Word, image or ZIP file."), field=field)
    if (getattr(file, "size", 0) or 0) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("The file is larger than 20 MB."), field=field)


def _text(value, field: str, message) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    return text


def objection_period_over(award: Award, now=None) -> bool:
    return (now or timezone.now()) >= award.objection_until


def has_pending_objection(award: Award) -> bool:
    return award.objections.filter(status__in=PENDING_OBJECTION).exists()


def _signal(sig, **kwargs) -> None:
    sig.send(sender=Award, **kwargs)


# ---------------------------------------------------------------------------------------------
# runner-up


def _live_bidding_ranking(project: Project) -> list[dict]:
    """Best bid per bidder, best first, ties to the earlier bid (for live-bidding awards whose
    computation carries no ranking)."""
    best: dict[int, Bid] = {}
    discount = project.quote_mode == Project.QuoteMode.DISCOUNT
    for bid in Bid.objects.filter(project=project).order_by("seq"):
        cur = best.get(bid.signup_id)
        better = cur is None or (bid.value > cur.value if discount else bid.value < cur.value)
        if better:
            best[bid.signup_id] = bid
    ordered = sorted(best.values(),
                     key=lambda b: ((-b.value if discount else b.value), b.seq))
    return [{"signup": b.signup_id, "quote": str(b.value),
             "price": str(project.price_for(b.value))} for b in ordered]


def ranking_of(award: Award) -> list[dict]:
    """The order in which sign-ups are offered the award: ``computation["ranking"]`` written by
    each selection method (``signup``, ``price``, ``quote``), or the bid log for live bidding."""
    ranking = (award.computation or {}).get("ranking")
    if ranking:
        return list(ranking)
    if award.method == Project.Method.LIVE_BIDDING:
        return _live_bidding_ranking(award.project)
    return []


def _offer_next(*, project: Project, previous: Award, actor, why: str) -> Award | None:
    """Offer the award to the next sign-up in the ranking that has not had it, is still signed
    up and may still work (not suspended or expelled). None left → the project FAILS."""
    had = set(Award.objects.filter(project=project).values_list("signup_id", flat=True))
    for entry in ranking_of(previous):
        signup_id = entry.get("signup")
        if signup_id in had:
            continue
        signup = (SignUp.objects.select_related("agency")
                  .filter(pk=signup_id, project=project, status=SignUp.Status.ACTIVE).first())
        if signup is None or signup.agency.standing in (Agency.Standing.SUSPENDED,
                                                        Agency.Standing.EXPELLED):
            continue
        computation = dict(previous.computation or {})
        computation["offered_after"] = {"code": previous.code, "rank": previous.rank,
                                        "reason": why}
        quote = entry.get("quote")
        return award_create(project=project, signup=signup, price=Decimal(str(entry["price"])),
                            quote=None if quote in (None, "") else Decimal(str(quote)),
                            computation=computation, actor=actor, rank=previous.rank + 1)
    project.status = Project.Status.FAILED
    project.status_reason = _("No other candidate could be offered the award (%(why)s).") % {
        "why": why}
    project.save(update_fields=["status", "status_reason", "modified"])
    audit_record(actor=actor, action="project.failed", obj=project,
                 data={"reason": project.status_reason, "after_award": previous.pk})
    broadcast(f"project_{project.pk}", {"type": "project.failed", "project": project.pk})
    return None


# ---------------------------------------------------------------------------------------------
# objections (异议)


@transaction.atomic
def objection_file(*, actor, award: Award, text: str) -> Objection:
    """A signed-up agency (not the winner) objects to the award during the objection period."""
    award = _lock(award)
    org = organisation_of(actor)
    agency = Agency.objects.filter(organisation=org).first() if org else None
    if agency is None or not award.project.signups.filter(agency=agency).exists():
        raise NotAllowed(_("Only an agency that signed up for this project may object."))
    if agency.pk == award.agency_id:
        raise NotAllowed(_("The winner cannot object to its own award."))
    if award.status != Award.Status.NOTICE or objection_period_over(award):
        raise Conflict(_("The objection period of this award has ended."))
    if award.objections.filter(agency=agency).exists():
        raise Conflict(_("Your agency has already filed an objection to this award."))
    text = _text(text, "text", _("Say what you object to and why."))
    objection = Objection.objects.create(award=award, agency=agency, text=text)
    audit_record(actor=actor, action="objection.filed", obj=objection,
                 data={"award": award.pk, "agency": agency.pk, "text": text})
    broadcast(f"project_{award.project_id}", {"type": "objection.filed", "award": award.pk})
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    """The purchaser answers a filed objection."""
    award = _lock(objection.award)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _require_purchaser(actor, award.project)
    if objection.status != Objection.Status.FILED:
        raise Conflict(_("This objection has already been answered or decided."))
    objection.answer = _text(answer, "answer", _("Write the purchaser's answer."))
    objection.status = Objection.Status.ANSWERED
    objection.save(update_fields=["answer", "status", "modified"])
    audit_record(actor=actor, action="objection.answered", obj=objection,
                 data={"answer": objection.answer})
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
    award = _lock(objection.award)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not is_regulator(actor):
        raise NotAllowed(_("Only a regulator may decide an objection."))
    if objection.status not in PENDING_OBJECTION:
        raise Conflict(_("This objection has already been decided."))
    objection.decision = _text(decision, "decision", _("Write the decision and its reasons."))
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.REJECTED
    objection.save(update_fields=["decision", "status", "modified"])
    audit_record(actor=actor, action="objection.decided", obj=objection,
                 data={"upheld": bool(upheld), "decision": objection.decision})
    _signal(signals.objection_decided, objection=objection, upheld=bool(upheld), actor=actor)
    now = timezone.now()
    if upheld and award.status in (Award.Status.NOTICE, Award.Status.CONTRACTING):
        award.status = Award.Status.WITHDRAWN
        award.status_reason = objection.decision
        award.save(update_fields=["status", "status_reason", "modified"])
        audit_record(actor=actor, action="award.withdrawn", obj=award,
                     data={"reason": award.status_reason, "objection": objection.pk})
        broadcast(f"project_{award.project_id}", {"type": "award.withdrawn", "award": award.pk})
        _offer_next(project=award.project, previous=award, actor=actor,
                    why=_("objection upheld"))
    elif not upheld and objection_period_over(award, now) and not has_pending_objection(award):
        award.contract_deadline = add_working_days(
            now, settings.MARKETPLACE["CONTRACT_WORKING_DAYS"])
        award.save(update_fields=["contract_deadline", "modified"])
    return objection


# ---------------------------------------------------------------------------------------------
# contract (合同)


def _enter_contracting(award: Award, now) -> None:
    """NOTICE → CONTRACTING once the objection period is over and no objection is pending."""
    if award.status == Award.Status.NOTICE:
        if not objection_period_over(award, now):
            raise Conflict(_("The contract can be signed only after the objection period "
                             "(until %(until)s).") % {
                "until": timezone.localtime(award.objection_until).strftime("%Y-%m-%d %H:%M")})
        if has_pending_objection(award):
            raise Conflict(_("An objection is still pending; wait for the regulator's decision."))
        award.status = Award.Status.CONTRACTING
        if award.contract_deadline is None:
            award.contract_deadline = add_working_days(
                award.objection_until, settings.MARKETPLACE["CONTRACT_WORKING_DAYS"])
        award.save(update_fields=["status", "contract_deadline", "modified"])
        audit_record(actor=None, action="award.contracting", obj=award,
                     data={"contract_deadline": award.contract_deadline})
    elif award.status != Award.Status.CONTRACTING:
        raise Conflict(_("This award is not awaiting a contract (status: %(status)s).") % {
            "status": award.get_status_display()})


@transaction.atomic
def contract_upload(*, actor, award: Award, file) -> Contract:
    """The purchaser or the winner uploads the signed contract; the other side confirms it.
    An unconfirmed contract can be replaced by the side that uploaded it."""
    award = _lock(award)
    project = award.project
    if not (_is_purchaser(actor, project) or _is_winner(actor, award)):
        raise NotAllowed(_("Only the purchaser or the winning agency may upload the contract."))
    now = timezone.now()
    _enter_contracting(award, now)
    if award.contract_deadline and now > award.contract_deadline:
        raise Conflict(_("The contract deadline has passed."))
    _check_file(file)
    org = organisation_of(actor)
    contract = Contract.objects.select_for_update().filter(award=award).first()
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
    return contract


@transaction.atomic
def contract_confirm(*, actor, award: Award) -> Contract:
    """The other side confirms the uploaded contract: the service starts (IN_SERVICE)."""
    award = _lock(award)
    if not (_is_purchaser(actor, award.project) or _is_winner(actor, award)):
        raise NotAllowed(_("Only the purchaser or the winning agency may confirm the contract."))
    contract = Contract.objects.select_for_update().filter(award=award).first()
    if contract is None or award.status != Award.Status.CONTRACTING:
        raise Conflict(_("There is no uploaded contract to confirm."))
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
    award.status = Award.Status.IN_SERVICE
    award.save(update_fields=["status", "modified"])
    audit_record(actor=actor, action="contract.confirmed", obj=contract,
                 data={"award": award.pk, "by": org.pk, "at": now})
    broadcast(f"project_{award.project_id}", {"type": "award.in_service", "award": award.pk})
    return contract


def _supersede(*, award: Award, actor, missed: bool, reason: str) -> Award | None:
    award.status = Award.Status.SUPERSEDED
    award.status_reason = reason
    award.save(update_fields=["status", "status_reason", "modified"])
    audit_record(actor=actor, action="award.superseded", obj=award,
                 data={"missed_deadline": missed, "reason": reason})
    _signal(signals.award_refused, award=award, missed=missed, actor=actor)
    broadcast(f"project_{award.project_id}", {"type": "award.superseded", "award": award.pk})
    return _offer_next(project=award.project, previous=award, actor=actor,
                       why=_("the winner did not sign") if missed
                       else _("the winner refused to sign"))


@transaction.atomic
def contract_refuse(*, actor, award: Award, reason: str) -> Award | None:
    """The winner refuses to sign (a credit violation, ``award_refused`` with missed=False).
    The runner-up is offered the award; returns its new award, or None when the project fails."""
    award = _lock(award)
    _require_winner(actor, award)
    if award.status not in (Award.Status.NOTICE, Award.Status.CONTRACTING):
        raise Conflict(_("This award can no longer be refused."))
    if Contract.objects.filter(award=award, confirmed_at__isnull=False).exists():
        raise Conflict(_("The contract has already been confirmed."))
    reason = _text(reason, "reason", _("Give the reason for refusing to sign."))
    return _supersede(award=award, actor=actor, missed=False,
                      reason=_("The winner refused to sign the contract: %(reason)s") % {
                          "reason": reason})


def winner_at_fault(award: Award) -> bool:
    """After the deadline: the winner is at fault unless it uploaded a contract the purchaser
    did not confirm (then the delay is the purchaser's, and nothing is superseded)."""
    contract = Contract.objects.filter(award=award).first()
    if contract is None:
        return True
    if contract.confirmed_at:
        return False
    return contract.uploaded_by_id != award.agency.organisation_id


def contract_deadlines_enforce(*, now=None) -> dict:
    """Periodic work (``manage.py contract_deadlines``), safe to run twice at once: each award
    is handled in its own transaction under the project and award locks and re-checked there.

    - NOTICE awards whose objection period is over with no objection pending → CONTRACTING;
    - CONTRACTING awards past the contract deadline where the winner did not do its part →
      SUPERSEDED (``award_refused`` with missed=True) and the runner-up offered the award.
    """
    now = now or timezone.now()
    counts = {"contracting": 0, "superseded": 0, "reoffered": 0, "failed": 0}
    due_notice = (Award.objects.filter(status=Award.Status.NOTICE, objection_until__lte=now)
                  .exclude(objections__status__in=PENDING_OBJECTION)
                  .values_list("pk", "project_id"))
    for pk, project_id in list(due_notice):
        with transaction.atomic():
            award = _lock(Award(pk=pk, project_id=project_id))
            if award.status == Award.Status.NOTICE and objection_period_over(award, now) \
                    and not has_pending_objection(award):
                _enter_contracting(award, now)
                counts["contracting"] += 1
    overdue = (Award.objects.filter(status=Award.Status.CONTRACTING, contract_deadline__lt=now)
               .values_list("pk", "project_id"))
    for pk, project_id in list(overdue):
        with transaction.atomic():
            award = _lock(Award(pk=pk, project_id=project_id))
            if award.status != Award.Status.CONTRACTING or not award.contract_deadline \
                    or award.contract_deadline >= now or not winner_at_fault(award):
                continue
            nxt = _supersede(award=award, actor=None, missed=True,
                             reason=_("The winner did not sign the contract before the "
                                      "deadline."))
            counts["superseded"] += 1
            counts["reoffered" if nxt else "failed"] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# delivery (成果交付)


def service_due(award: Award):
    """The delivery deadline: ``service_days`` working days from the contract confirmation."""
    contract = Contract.objects.filter(award=award, confirmed_at__isnull=False).first()
    if contract is None:
        return None
    return add_working_days(contract.confirmed_at, award.project.service_days)


@transaction.atomic
def delivery_submit(*, actor, award: Award, file, note: str = "") -> Delivery:
    """The winning agency delivers its result (file + note); the purchaser then decides."""
    award = _lock(award)
    _require_winner(actor, award)
    if award.status != Award.Status.IN_SERVICE:
        raise Conflict(_("A result can be delivered only while the service is in progress."))
    _check_file(file)
    delivery = Delivery.objects.create(award=award, file=file, note=(note or "").strip())
    award.status = Award.Status.DELIVERED
    award.save(update_fields=["status", "modified"])
    audit_record(actor=actor, action="delivery.submitted", obj=delivery,
                 data={"award": award.pk, "file": delivery.file.name, "note": delivery.note})
    return delivery


def _decide_delivery(*, actor, delivery: Delivery, accepted: bool, reason: str = "") -> Delivery:
    award = _lock(delivery.award)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    _require_purchaser(actor, award.project)
    if delivery.status != Delivery.Status.SUBMITTED or award.status != Award.Status.DELIVERED:
        raise Conflict(_("This result has already been decided."))
    due = service_due(award)
    delivery.on_time = due is None or delivery.created <= due
    if accepted:
        delivery.status = Delivery.Status.ACCEPTED
        award.status = Award.Status.ACCEPTED
    else:
        delivery.reason = _text(reason, "reason", _("Say why the result is returned."))
        delivery.status = Delivery.Status.RETURNED
        award.status = Award.Status.IN_SERVICE
    delivery.save(update_fields=["status", "reason", "on_time", "modified"])
    award.save(update_fields=["status", "modified"])
    audit_record(actor=actor, action="delivery.accepted" if accepted else "delivery.returned",
                 obj=delivery, data={"award": award.pk, "on_time": delivery.on_time,
                                     "reason": delivery.reason})
    _signal(signals.delivery_decided, delivery=delivery, accepted=accepted,
            on_time=delivery.on_time, actor=actor)
    return delivery


@transaction.atomic
def delivery_accept(*, actor, delivery: Delivery) -> Delivery:
    """The purchaser accepts the result: the award is ACCEPTED (the purchaser may rate it).
    Sends ``delivery_decided`` (accepted=True, on_time against the service time limit)."""
    return _decide_delivery(actor=actor, delivery=delivery, accepted=True)


@transaction.atomic
def delivery_return(*, actor, delivery: Delivery, reason: str) -> Delivery:
    """The purchaser returns the result with a reason; the service goes on (IN_SERVICE)."""
    return _decide_delivery(actor=actor, delivery=delivery, accepted=False, reason=reason)

