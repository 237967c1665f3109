"""Postings (采购公告) and sign-ups (报名): the writes of a project until selection starts.

Life cycle handled here (DESIGN.md §3)::

    DRAFT ──project_publish (all rules of bidding.rules)──> PUBLISHED (sign-up open)
    PUBLISHED ──signups_close (deadline passed)──> SELECTING, or FAILED (流标) with a reason
    (fewer sign-ups than the method requires, or none of them still eligible)
    DRAFT / PUBLISHED / SELECTING before the selection time ──project_withdraw──> WITHDRAWN

``signups_close`` prepares the selection per method: live bidding labels the bidders 竞价人A, B…
and sets the auction's end; a single valid bidder skips the auction and is awarded at the
ceiling (amount mode) or at the floor, i.e. the smallest discount rate (discount mode) — the
value least favourable to the bidder, so skipping the auction never pays it more than an auction
could have; the random draw gets a secret seed whose sha256 commitment is published at once
(the seed stays secret until the draw, ``bidding.services.awards``/``bidding.draw``).

Every function locks the project row first (``select_for_update``), so sign-ups, cancellations,
withdrawal and closing are serialised per project.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.models import Agency, Practitioner
from bidding.draw import commitment_of
from bidding.eligibility import eligibility_problems, require_eligible
from bidding.models import Avoidance, Project, ProjectDocument, ProjectQualification, SignUp
from bidding.rules import posting_problems, problems_by_field
from core.audit import audit_record
from core.errors import (
    Conflict,
    NotAllowed,
    NotFound,
    ValidationFailed,
    from_django_validation,
)
from core.models import Organisation
from core.roles import require_kind

Status = Project.Status
Method = Project.Method

EDITABLE_FIELDS = (
    "item", "title", "investment_code", "approval_case_no", "approval_department", "region",
    "scale", "content", "funding", "fiscal_share", "budget_line", "service_days",
    "qualification_mode", "practitioner_count", "other_requirements", "method", "quote_mode",
    "amount", "ceiling", "floor", "step", "price_weight", "quality_weight", "signup_deadline",
    "selection_at", "auction_minutes", "enquiry_phone", "complaint_phone",
)


@dataclass
class QualificationInput:
    name: str
    legal_basis: str
    grade: str = ""


@dataclass
class AvoidanceInput:
    agency: Agency
    reason: str


@dataclass
class DocumentInput:
    name: str
    file: object  # an UploadedFile / django File


def _lock(project: Project) -> Project:
    try:
        return (Project.objects.select_for_update().select_related("purchaser", "item")
                .get(pk=project.pk))
    except Project.DoesNotExist as exc:
        raise NotFound(_("No such project.")) from exc


def _require_owner(actor, project: Project) -> Organisation:
    org = require_kind(actor, Organisation.Kind.PURCHASER)
    if org.pk != project.purchaser_id:
        raise NotAllowed(_("Only the purchaser who posted this project may do this."))
    return org


def _agency_of(actor) -> Agency:
    org = require_kind(actor, Organisation.Kind.AGENCY)
    try:
        return Agency.objects.select_related("partner").get(organisation=org)
    except Agency.DoesNotExist as exc:
        raise NotAllowed(_("Your organisation has no agency profile.")) from exc


def _as_qualifications(items) -> list[QualificationInput]:
    out = []
    for q in items or ():
        if isinstance(q, dict):
            q = QualificationInput(name=q.get("name", ""), legal_basis=q.get("legal_basis", ""),
                                   grade=q.get("grade", "") or "")
        out.append(QualificationInput(name=(q.name or "").strip(),
                                      legal_basis=(q.legal_basis or "").strip(),
                                      grade=(q.grade or "").strip()))
    return out


def _as_avoidances(items) -> list[AvoidanceInput]:
    out = []
    for a in items or ():
        if isinstance(a, dict):
            a = AvoidanceInput(agency=a.get("agency"), reason=a.get("reason", ""))
        if not isinstance(a.agency, Agency):
            raise ValidationFailed(_("Choose the agency to avoid."), field="avoidances")
        if not (a.reason or "").strip():
            raise ValidationFailed(_("Give the reason for avoiding %(agency)s.")
                                   % {"agency": a.agency.name}, field="avoidances")
        out.append(AvoidanceInput(agency=a.agency, reason=a.reason.strip()))
    if len({a.agency.pk for a in out}) != len(out):
        raise ValidationFailed(_("An agency is listed twice on the avoidance list."),
                               field="avoidances")
    return out


def _apply_fields(project: Project, fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("These fields cannot be set: %(f)s")
                               % {"f": ", ".join(sorted(unknown))})
    changed = {}
    for name, value in fields.items():
        if isinstance(value, str) and name not in ("item",):
            value = value.strip()
        try:
            before = getattr(project, name)
        except Project.item.RelatedObjectDoesNotExist:  # a new project without its item yet
            before = None
        setattr(project, name, value)
        if before != value:
            changed[name] = [str(before) if before is not None else None,
                             str(value) if value is not None else None]
    if project.approval_department_id:
        if project.approval_department.kind != Organisation.Kind.APPROVAL:
            raise ValidationFailed(_("Choose an approval department."),
                                   field="approval_department")
    return changed


def _clean(project: Project) -> None:
    try:
        project.full_clean(exclude=["purchaser", "created_by", "best_bid"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _write_children(project: Project, qualifications, avoidances, documents) -> None:
    if qualifications is not None:
        project.qualifications.all().delete()
        for q in qualifications:
            if not q.name:
                raise ValidationFailed(_("Name each required qualification."),
                                       field="qualifications")
            ProjectQualification.objects.create(project=project, name=q.name, grade=q.grade,
                                                legal_basis=q.legal_basis)
    if avoidances is not None:
        project.avoidances.all().delete()
        for a in avoidances:
            Avoidance.objects.create(project=project, agency=a.agency, reason=a.reason)
    for d in documents or ():
        name = (d.name or getattr(d.file, "name", "") or "").strip()
        if not name:
            raise ValidationFailed(_("Name each document."), field="documents")
        ProjectDocument.objects.create(project=project, name=name[:200], file=d.file)


@transaction.atomic
def project_create(*, actor, fields: dict, qualifications=(), avoidances=(),
                   documents=()) -> Project:
    """A purchaser saves a new posting as a draft. The posting rules run at publication."""
    org = require_kind(actor, Organisation.Kind.PURCHASER)
    project = Project(purchaser=org, created_by=actor, status=Status.DRAFT)
    _apply_fields(project, fields)
    _clean(project)
    quals = _as_qualifications(qualifications)
    avoids = _as_avoidances(avoidances)
    project.save()
    _write_children(project, quals, avoids, documents)
    audit_record(actor=actor, action="project.created", obj=project, data={
        "title": project.title, "item": project.item_id, "method": project.method,
        "qualifications": [q.__dict__ for q in quals],
        "avoidances": [{"agency": a.agency.pk, "reason": a.reason} for a in avoids],
        "documents": [d.name for d in documents or ()],
    })
    return project


@transaction.atomic
def project_update(*, actor, project: Project, fields: dict, qualifications=None,
                   avoidances=None, documents=()) -> Project:
    """Change a draft. ``qualifications`` / ``avoidances`` replace the lists when given;
    ``documents`` are added."""
    project = _lock(project)
    _require_owner(actor, project)
    if project.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be changed; this posting is already %(status)s.")
                       % {"status": project.get_status_display()})
    changed = _apply_fields(project, fields)
    _clean(project)
    quals = _as_qualifications(qualifications) if qualifications is not None else None
    avoids = _as_avoidances(avoidances) if avoidances is not None else None
    project.save()
    _write_children(project, quals, avoids, documents)
    audit_record(actor=actor, action="project.updated", obj=project, data={
        "changed": changed,
        "qualifications": None if quals is None else [q.__dict__ for q in quals],
        "avoidances": None if avoids is None else [
            {"agency": a.agency.pk, "reason": a.reason} for a in avoids],
        "documents": [d.name for d in documents or ()],
    })
    return project


@transaction.atomic
def project_publish(*, actor, project: Project, now=None) -> Project:
    """Publish a draft: every posting rule (``bidding.rules``) must hold; otherwise
    ``ValidationFailed`` with all reasons by field."""
    project = _lock(project)
    _require_owner(actor, project)
    if project.status != Status.DRAFT:
        raise Conflict(_("This posting is already %(status)s.")
                       % {"status": project.get_status_display()})
    now = now or timezone.now()
    problems = posting_problems(project, now=now)
    if problems:
        raise ValidationFailed(problems[0].message, code="rule_refused",
                               fields=problems_by_field(problems))
    project.status = Status.PUBLISHED
    project.published_at = now
    project.status_reason = ""
    project.save(update_fields=["status", "published_at", "status_reason", "modified"])
    audit_record(actor=actor, action="project.published", obj=project, data={
        "signup_deadline": project.signup_deadline, "selection_at": project.selection_at,
        "method": project.method, "quote_mode": project.quote_mode,
        "amount": project.amount, "ceiling": project.ceiling, "floor": project.floor,
        "step": project.step,
        "qualifications": [[q.name, q.grade, q.legal_basis] for q in project.qualifications.all()],
        "avoidances": [[a.agency_id, a.reason] for a in project.avoidances.all()],
    })
    return project


@transaction.atomic
def project_withdraw(*, actor, project: Project, reason: str, now=None) -> Project:
    """The purchaser withdraws its posting before the selection starts; the reason is public."""
    project = _lock(project)
    _require_owner(actor, project)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed(_("Give the public reason for withdrawing (at least a few words)."),
                               field="reason")
    before_selection = project.status in (Status.DRAFT, Status.PUBLISHED) or (
        project.status == Status.SELECTING and project.selection_at and now < project.selection_at
        and not project.awards.exists())
    if not before_selection:
        raise Conflict(_("The selection has started or is over; the posting can no longer be "
                         "withdrawn."))
    previous = project.status
    project.status = Status.WITHDRAWN
    project.status_reason = reason
    project.save(update_fields=["status", "status_reason", "modified"])
    audit_record(actor=actor, action="project.withdrawn", obj=project,
                 data={"reason": reason, "previous_status": previous})
    return project


def _practitioners_for(agency: Agency, practitioners) -> list[Practitioner]:
    ids = [p.pk if isinstance(p, Practitioner) else int(p) for p in practitioners or ()]
    found = list(Practitioner.objects.filter(agency=agency, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationFailed(_("Name practitioners of your own agency."), field="practitioners")
    return found


@transaction.atomic
def signup_create(*, actor, project: Project, practitioners=(), now=None) -> SignUp:
    """An eligible agency signs up while sign-up is open, naming practitioners if asked."""
    agency = _agency_of(actor)
    project = _lock(project)
    now = now or timezone.now()
    if project.status != Status.PUBLISHED or not project.signup_deadline \
            or project.signup_deadline <= now:
        raise Conflict(_("Sign-up for this project is not open."))
    require_eligible(agency=agency, project=project)
    people = _practitioners_for(agency, practitioners)
    if project.practitioner_count and len(people) < project.practitioner_count:
        raise ValidationFailed(_("This project asks for %(n)s practitioners; name them.")
                               % {"n": project.practitioner_count}, field="practitioners")
    signup = SignUp.objects.select_for_update().filter(project=project, agency=agency).first()
    if signup is not None and signup.status == SignUp.Status.ACTIVE:
        raise Conflict(_("Your agency has already signed up for this project."))
    if signup is None:
        signup = SignUp.objects.create(project=project, agency=agency)
    else:
        signup.status = SignUp.Status.ACTIVE
        signup.save(update_fields=["status", "modified"])
    signup.practitioners.set(people)
    audit_record(actor=actor, action="signup.created", obj=signup, data={
        "project": project.pk, "agency": agency.pk, "practitioners": [p.pk for p in people]})
    return signup


@transaction.atomic
def signup_cancel(*, actor, project: Project, now=None) -> SignUp:
    """The agency cancels its own sign-up while sign-up is still open."""
    agency = _agency_of(actor)
    project = _lock(project)
    now = now or timezone.now()
    signup = SignUp.objects.select_for_update().filter(
        project=project, agency=agency, status=SignUp.Status.ACTIVE).first()
    if signup is None:
        raise NotFound(_("Your agency has no sign-up for this project."))
    if project.status != Status.PUBLISHED or project.signup_deadline <= now:
        raise Conflict(_("Sign-up has closed; the sign-up can no longer be cancelled."))
    signup.status = SignUp.Status.CANCELLED
    signup.save(update_fields=["status", "modified"])
    audit_record(actor=actor, action="signup.cancelled", obj=signup,
                 data={"project": project.pk, "agency": agency.pk})
    return signup


def min_signups(project: Project) -> int:
    if project.method == Method.DIRECT:
        return 1
    return max(1, int(settings.MARKETPLACE.get("MIN_SIGNUPS_COMPETITIVE", 3)))


def bidder_label(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA" … (竞价人A, B, …)."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(ord("A") + rem) + label
    return label


def signups_close(*, project: Project, now=None) -> Project:
    """See ``_signups_close``; returns the project in its new (or unchanged) state."""
    return _signups_close(project=project, now=now)[0]


@transaction.atomic
def _signups_close(*, project: Project, now=None) -> tuple[Project, bool]:
    """Close sign-up after its deadline (idempotent: a project already closed is returned as it
    is; concurrent callers are serialised by the project lock, so exactly one transition).

    Too few sign-ups (``MIN_SIGNUPS_COMPETITIVE`` for competitive methods, one for direct
    selection), or none of them still eligible → FAILED with a public reason. Otherwise →
    SELECTING with the sign-ups still eligible now (an agency suspended or whose qualification
    expired since it signed up drops out) and, per method: live bidding labels the valid
    bidders A, B… in sign-up order and sets ``auction_ends_at``; when only one of them is still
    valid it is awarded at once without an auction (see the module docstring); the random draw
    commits to a secret seed."""
    project = _lock(project)
    now = now or timezone.now()
    if project.status != Status.PUBLISHED:
        return project, False
    if project.signup_deadline and project.signup_deadline > now:
        raise Conflict(_("Sign-up is still open until its deadline."))
    active = list(SignUp.objects.filter(project=project, status=SignUp.Status.ACTIVE)
                  .select_related("agency").order_by("created", "pk"))
    valid = [s for s in active if not eligibility_problems(agency=s.agency, project=project)]
    needed = min_signups(project)
    if len(active) < needed or not valid:
        project.status = Status.FAILED
        with translation.override(settings.LANGUAGE_CODE):  # stored public text
            if len(active) < needed:
                project.status_reason = _(
                    "Failed (流标): %(active)s sign-up(s) when sign-up closed; at least "
                    "%(needed)s are required for %(method)s.") % {
                        "active": len(active), "needed": needed,
                        "method": project.get_method_display()}
            else:
                project.status_reason = _(
                    "Failed (流标): none of the %(active)s agencies that signed up is still "
                    "eligible (suspended, expelled or a required qualification expired).") % {
                        "active": len(active)}
        project.save(update_fields=["status", "status_reason", "modified"])
        audit_record(actor=None, action="project.failed", obj=project, data={
            "reason": project.status_reason, "active": len(active), "valid": len(valid),
            "needed": needed})
        return project, True

    project.status = Status.SELECTING
    update = ["status", "modified"]
    data: dict = {"valid": [s.pk for s in valid], "active": len(active)}
    if project.method == Method.LIVE_BIDDING:
        for index, signup in enumerate(valid):
            signup.label = bidder_label(index)
            signup.save(update_fields=["label", "modified"])
        SignUp.objects.filter(project=project).exclude(pk__in=[s.pk for s in valid]) \
            .exclude(label="").update(label="")
        start = project.selection_at if project.selection_at and project.selection_at > now \
            else now
        project.auction_ends_at = start + dt.timedelta(minutes=project.auction_minutes)
        update.append("auction_ends_at")
        data["labels"] = {s.label: s.pk for s in valid}
        data["auction_ends_at"] = project.auction_ends_at
    elif project.method == Method.RANDOM_DRAW:
        project.draw_seed = secrets.token_hex(32)
        project.draw_commitment = commitment_of(project.draw_seed)
        update += ["draw_seed", "draw_commitment"]
        data["draw_commitment"] = project.draw_commitment  # never the seed
    project.save(update_fields=update)
    audit_record(actor=None, action="project.signups_closed", obj=project, data=data)

    if project.method == Method.LIVE_BIDDING and len(valid) == 1:
        _award_single_bidder(project, valid[0])
    return project, True


def single_bidder_quote(project: Project) -> tuple[Decimal, Decimal]:
    """``(quote, price)`` for a lone live bidder: the ceiling in amount mode; in discount mode
    the floor rate (the smallest discount)."""
    if project.quote_mode == Project.QuoteMode.DISCOUNT:
        quote = project.floor or Decimal("0")
    else:
        quote = project.ceiling
    return quote, project.price_for(quote)


def _award_single_bidder(project: Project, signup: SignUp) -> None:
    from bidding.services.awards import award_create

    quote, price = single_bidder_quote(project)
    award_create(project=project, signup=signup, price=price, quote=quote, computation={
        "method": project.method,
        "rule": "single_valid_bidder",
        "explanation": _("Only one valid bidder when sign-up closed: the auction was skipped and "
                         "the award made at the ceiling (amount) or the floor rate (discount)."),
        "quote_mode": project.quote_mode,
        "ceiling": project.ceiling, "floor": project.floor, "amount": project.amount,
        "bidders": [{"label": signup.label, "agency": signup.agency.name}],
    })


def due_for_closing(now=None):
    now = now or timezone.now()
    return Project.objects.filter(status=Status.PUBLISHED, signup_deadline__lte=now) \
        .order_by("signup_deadline", "pk")


def close_due_signups(*, now=None) -> list[Project]:
    """Close every project whose sign-up deadline passed (each in its own transaction; safe to
    run twice at once). Returns the projects this call moved out of PUBLISHED."""
    now = now or timezone.now()
    moved = []
    for pk in list(due_for_closing(now).values_list("pk", flat=True)):
        project, changed = _signups_close(project=Project(pk=pk), now=now)
        if changed:
            moved.append(project)
    return moved
