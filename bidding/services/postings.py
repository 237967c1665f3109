"""Postings (采购公告): a purchaser drafts, changes, publishes and withdraws its project.

Life cycle handled here (docs/design.md §3; the table is
``Project.transitions``)::

    DRAFT ──project_publish (all rules of bidding.rules)──> PUBLISHED (sign-up open)
    DRAFT refused for a flagged requirement ──posting_review_request──> under review (still a
          draft; bidding.services.reviews) ──approved──> project_publish lets those phrases by
    DRAFT / PUBLISHED / SELECTING before the selection time ──project_withdraw──> WITHDRAWN

Sign-ups are ``bidding.services.signups``; closing sign-up (to SELECTING or 流标) is
``bidding.services.closing`` (both still importable from here for older callers). Every
function locks the project row first (``core.locking.lock``), so sign-ups, cancellations,
withdrawal and closing are serialised per project.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.selectors.subscriptions import subscribers_for
from bidding import permissions  # noqa: F401  (registers the bidding.* permissions)
from bidding.models import Avoidance, PostingReview, Project, ProjectDocument, ProjectQualification
from bidding.panels import panel_commitment
from bidding.rules import abolished_message, listed_entry, posting_problems, problems_by_field
from bidding.rules import catalogue_for as _catalogue_for
from bidding.services import notices
from bidding.services.closing import close_due_signups, signups_close  # noqa: F401  (re-export)
from bidding.services.common import lock_project
from bidding.services.draws import draw_commit
from bidding.services.reviews import approved_review, reviews_void_changed, unapproved
from bidding.services.signups import signup_cancel, signup_create  # noqa: F401  (re-export)
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed, from_django_validation
from core.models import Organisation, StatutoryQualification
from core.permissions import require_perm
from core.roles import organisation_of
from core.transitions import transition
from notifications.outbox import notify

Status = Project.Status

EDITABLE_FIELDS = (
    "item", "title", "investment_code", "approval_case_no", "approval_department", "region",
    "scale", "content", "funding", "fiscal_share", "budget_line", "service_days",
    "qualification_mode", "practitioner_count", "other_requirements", "method", "quote_mode",
    "amount", "ceiling", "floor", "step", "price_weight", "quality_weight", "signup_deadline",
    "selection_at", "auction_minutes", "enquiry_phone", "complaint_phone",
)


@dataclass
class QualificationInput:
    """A required qualification: an ``entry`` of the item's catalogue list (its name, grade and
    legal basis are copied), or — off the list, needing the regulator's review — typed."""

    name: str = ""
    legal_basis: str = ""
    grade: str = ""
    entry: StatutoryQualification | None = None

    def as_audit(self) -> dict:
        return {"entry": self.entry.pk if self.entry else None, "name": self.name,
                "grade": self.grade, "legal_basis": self.legal_basis}


@dataclass
class AvoidanceInput:
    agency: Agency
    reason: str


@dataclass
class DocumentInput:
    name: str
    file: object  # an UploadedFile / django File


def _as_qualifications(items, item) -> list[QualificationInput]:
    """The rows as the service stores them. A picked entry gives its name, grade and legal
    basis and must be in force (an abolished one cannot be picked); a typed row naming an entry
    of the item's list is linked to it; any other typed row is kept as typed, for the posting
    rules to refuse unless the regulator approves it (``bidding.rules``)."""
    catalogue = _catalogue_for(item)
    out = []
    for index, q in enumerate(items or (), start=1):
        if isinstance(q, dict):
            q = QualificationInput(name=q.get("name", "") or "",
                                   legal_basis=q.get("legal_basis", "") or "",
                                   grade=q.get("grade", "") or "", entry=q.get("entry"))
        entry = q.entry
        if entry is not None and not isinstance(entry, StatutoryQualification):
            entry = StatutoryQualification.objects.filter(pk=entry).first()
            if entry is None:
                raise ValidationFailed(_("Qualification %(n)s: no such qualification in the "
                                         "catalogue.") % {"n": index}, field="qualifications")
        if entry is None:
            entry = listed_entry(catalogue, q.name or "", q.grade or "")
        if entry is not None:
            if entry.abolished:
                raise ValidationFailed(_("Qualification %(n)s: ") % {"n": index}
                                       + abolished_message(entry), field="qualifications")
            out.append(QualificationInput(name=entry.name, grade=entry.grade,
                                          legal_basis=entry.legal_basis, entry=entry))
            continue
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
            ProjectQualification.objects.create(project=project, entry=q.entry, name=q.name,
                                                grade=q.grade, legal_basis=q.legal_basis)
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
    require_perm(actor, "bidding.post_project")
    org = organisation_of(actor)
    project = Project(purchaser=org, created_by=actor, status=Status.DRAFT)
    _apply_fields(project, fields)
    _clean(project)
    quals = _as_qualifications(qualifications, project.item)
    avoids = _as_avoidances(avoidances)
    project.save()
    _write_children(project, quals, avoids, documents)
    audit_record(actor=actor, action="project.created", obj=project, data={
        "title": project.title, "item": project.item_id, "method": project.method,
        "qualifications": [q.as_audit() for q in quals],
        "avoidances": [{"agency": a.agency.pk, "reason": a.reason} for a in avoids],
        "documents": [d.name for d in documents or ()],
    })
    return project


@transaction.atomic
def project_update(*, actor, project: Project, fields: dict, qualifications=None,
                   avoidances=None, documents=()) -> Project:
    """Change a draft. ``qualifications`` / ``avoidances`` replace the lists when given;
    ``documents`` are added."""
    project = lock_project(project)
    require_perm(actor, "bidding.edit_project", project)
    if project.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be changed; this posting is already %(status)s.")
                       % {"status": project.get_status_display()})
    changed = _apply_fields(project, fields)
    _clean(project)
    quals = (_as_qualifications(qualifications, project.item) if qualifications is not None
             else None)
    avoids = _as_avoidances(avoidances) if avoidances is not None else None
    project.save()
    _write_children(project, quals, avoids, documents)
    audit_record(actor=actor, action="project.updated", obj=project, data={
        "changed": changed,
        "qualifications": None if quals is None else [q.as_audit() for q in quals],
        "avoidances": None if avoids is None else [
            {"agency": a.agency.pk, "reason": a.reason} for a in avoids],
        "documents": [d.name for d in documents or ()],
    })
    reviews_void_changed(actor=actor, project=project)
    return project


@transaction.atomic
def project_publish(*, actor, project: Project, now=None) -> Project:
    """Publish a draft: every posting rule (``bidding.rules``) must hold, except the flagged
    phrases a regulator's approved review names while their fields read as reviewed
    (``bidding/services/reviews.py``); otherwise ``ValidationFailed`` with all reasons by
    field. A draft under review is not published until the regulator decides."""
    project = lock_project(project)
    require_perm(actor, "bidding.edit_project", project)  # the owner; the state comes next
    if not Project.transitions.allowed(project, "publish"):
        raise Conflict(_("This posting is already %(status)s.")
                       % {"status": project.get_status_display()}, code="wrong_state")
    if project.reviews.filter(status=PostingReview.Status.PENDING).exists():
        raise Conflict(_("This posting is under the regulator's review; it can be published "
                         "once the regulator has decided."), code="under_review")
    now = now or timezone.now()
    review = approved_review(project)
    problems = unapproved(project, posting_problems(project, now=now), review)
    if problems:
        raise ValidationFailed(problems[0].message, code="rule_refused",
                               fields=problems_by_field(problems))
    project.published_at = now
    project.status_reason = ""
    transition(project, "publish", actor=actor, fields=["published_at", "status_reason"], data={
        "signup_deadline": project.signup_deadline, "selection_at": project.selection_at,
        "method": project.method, "quote_mode": project.quote_mode,
        "amount": project.amount, "ceiling": project.ceiling, "floor": project.floor,
        "step": project.step,
        "qualifications": [[q.name, q.grade, q.legal_basis] for q in project.qualifications.all()],
        "avoidances": [[a.agency_id, a.reason] for a in project.avoidances.all()],
        "review": review.pk if review is not None else None,
    })
    if project.method == Project.Method.RANDOM_DRAW:
        draw_commit(project=project, now=now)  # before anyone can sign up (bidding.draw)
    elif project.method == Project.Method.COMPREHENSIVE:
        # The expert panel's seed is fixed now, before any bidder is known: its commitment
        # goes on the record, and the panel draw refuses a seed that no longer matches it.
        audit_record(actor=actor, action="panel.committed", obj=project,
                     data={"commitment": panel_commitment(project)})
    _invite_subscribers(project)
    notices.posting_published(project)
    return project


def _invite_subscribers(project: Project) -> None:
    """采购邀请网上推送: the agencies whose subscriptions match the posting are told, in this
    transaction (the outbox delivers after commit; docs/architecture.md, "Invitations and
    feeds"). Information only: the eligibility check decides who may sign up (R1)."""
    invited = [agency.organisation for agency in subscribers_for(project)
               .select_related("organisation")]
    if invited:
        deadline = timezone.localtime(project.signup_deadline).strftime("%Y-%m-%d %H:%M")
        notify("posting.invitation", to=invited, obj=project, url=project.get_absolute_url(),
               data={"project": project.title, "deadline": deadline},
               key=f"posting.invitation:{project.pk}")


@transaction.atomic
def project_withdraw(*, actor, project: Project, reason: str, now=None) -> Project:
    """The purchaser withdraws its posting before the selection starts; the reason is public."""
    project = lock_project(project)
    require_perm(actor, "bidding.edit_project", project)  # the owner; the state comes next
    now = now or timezone.now()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed(_("Give the public reason for withdrawing (at least a few words)."),
                               field="reason")
    if not project.withdrawable(now):
        raise Conflict(_("The selection has started or is over; the posting can no longer be "
                         "withdrawn."), code="wrong_state")
    return _withdraw(project, actor=actor, reason=reason)


def _withdraw(project: Project, *, actor, reason: str, **data) -> Project:
    previous = project.status
    project.status_reason = reason
    transition(project, "withdraw", actor=actor, fields=["status_reason"],
               data={"reason": reason, "previous_status": previous, **data})
    notices.posting_withdrawn(project, ordered=bool(data.get("ordered_by_regulator")))
    return project


@transaction.atomic
def project_withdraw_ordered(*, actor, project: Project, reason: str, ref: str = "",
                             now=None) -> Project:
    """A regulator orders a posting withdrawn (an upheld complaint of suspected designation or
    unfair terms, R4): allowed while the purchaser itself could still withdraw it; the reason,
    naming the decision, is public."""
    project = lock_project(project)
    require_perm(actor, "bidding.order_withdrawal", project)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed(_("Give the public reason for withdrawing (at least a few words)."),
                               field="reason")
    if not project.withdrawable(now):
        raise Conflict(_("The selection has started or is over; the posting can no longer be "
                         "withdrawn."), code="wrong_state")
    return _withdraw(project, actor=actor, reason=reason, ordered_by_regulator=True, ref=ref)

