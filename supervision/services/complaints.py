"""Writes of online complaints (投诉举报): file, accept or refuse acceptance, decide. Each one
transaction, one permission, one audit event (docs/conventions.md); the effects of an upheld
complaint — a credit event against the agency, the posting withdrawn by order — are written in
the same transaction through the services of the floors below."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.services.papers import paper_file_check, upload_name
from bidding.models import Project
from bidding.services.postings import project_withdraw_ordered
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.locking import lock
from core.permissions import require_perm
from core.roles import organisation_of
from core.transitions import transition
from core.workdays import add_working_days
from credit.models import CreditEvent
from credit.services.ledger import credit_event_record
from supervision import permissions  # noqa: F401  (registers supervision.*)
from supervision.models import Complaint, ComplaintAttachment
from supervision.services import notices

Subject, Category, Status, Remedy = (Complaint.Subject, Complaint.Category, Complaint.Status,
                                     Complaint.Remedy)
MIN_TEXT, MAX_TEXT, MIN_REASON = 20, 5000, 10
MAX_ATTACHMENTS = 5
_SUBJECT_CATEGORIES = {
    Subject.POSTING: {Category.DESIGNATION, Category.UNFAIR_TERMS, Category.REFUSED,
                      Category.OTHER},
    Subject.SELECTION: {Category.SELECTION, Category.DESIGNATION, Category.OTHER},
    Subject.AGENCY: {Category.CONDUCT, Category.OTHER},
}


def _rules() -> dict:
    return settings.MARKETPLACE


def _text(value, *, field: str, least: int, most: int, message: str) -> str:
    value = (value or "").strip()
    if len(value) < least:
        raise ValidationFailed(message, field=field)
    if len(value) > most:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": most}, field=field)
    return value


@transaction.atomic
def complaint_file(*, actor, subject: str, category: str, text: str,
                   project: Project | None = None, agency: Agency | None = None,
                   attachments=(), now=None) -> Complaint:
    """File a complaint about a posting, a selection or an agency, with up to five files of
    evidence (PDF or images, checked by content as the agencies' papers are); it is routed to
    the regulator of the project's (else the agency's) region with its two deadlines. Call it as
    the outermost transaction: the files it wrote are removed when it fails."""
    require_perm(actor, "supervision.file_complaint")
    now = now or timezone.now()
    if subject not in Subject.values:
        raise ValidationFailed(_("Choose what the complaint is about."), field="subject")
    if category not in _SUBJECT_CATEGORIES[subject]:
        raise ValidationFailed(_("This category does not fit what the complaint is about."),
                               field="category")
    text = _text(text, field="text", least=MIN_TEXT, most=MAX_TEXT, message=_(
        "Describe the facts and what you ask for (at least %(n)s characters).") % {"n": MIN_TEXT})
    if subject in (Subject.POSTING, Subject.SELECTION):
        if project is None or project.status == Project.Status.DRAFT:
            raise ValidationFailed(_("Choose the published project the complaint is about."),
                                   field="project")
        if subject == Subject.SELECTION and project.status in (
                Project.Status.PUBLISHED, Project.Status.WITHDRAWN):
            raise ValidationFailed(_("This project has had no selection yet."), field="project")
    if subject == Subject.AGENCY and agency is None:
        raise ValidationFailed(_("Choose the agency the complaint is about."), field="agency")
    org = organisation_of(actor)
    if agency is not None and org is not None and agency.organisation_id == org.pk:
        raise ValidationFailed(_("An agency cannot complain about itself."), field="agency")
    duplicate = Complaint.objects.filter(
        complainant=actor, subject=subject, project=project, agency=agency,
        status__in=Complaint.OPEN).exists()
    if duplicate:
        raise Conflict(_("You already have an open complaint about this; the regulator is "
                         "handling it."), code="duplicate")
    attachments = [a for a in attachments if a is not None]
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationFailed(_("At most %(n)s files.") % {"n": MAX_ATTACHMENTS},
                               field="attachments")
    checked = []
    for upload in attachments:
        try:
            checked.append((upload, paper_file_check(upload)))
        except ValidationFailed as exc:
            raise ValidationFailed(f"{upload_name(upload)}: {exc}", field="attachments",
                                   code=exc.code) from exc
    region = (project.region if project is not None and project.region_id else
              agency.region if agency is not None else None)
    conf = _rules()
    complaint = Complaint.objects.create(
        number=uuid.uuid4().hex[:24], complainant=actor, complainant_org=org, subject=subject,
        category=category, project=project, agency=agency, region=region, text=text,
        accept_by=add_working_days(now, conf["COMPLAINT_ACCEPT_WORKING_DAYS"]),
        decide_by=add_working_days(now, conf["COMPLAINT_DECIDE_WORKING_DAYS"]))
    complaint.number = f"TS{timezone.localtime(now).year}{complaint.pk:06d}"
    complaint.save(update_fields=["number"])
    stored = []
    try:
        for upload, info in checked:
            row = ComplaintAttachment(complaint=complaint, original_name=upload_name(upload),
                                      content_type=info.content_type, size=info.size,
                                      sha256=info.sha256)
            row.file.save(row.original_name, upload, save=False)
            stored.append(row)
            row.save()
        _audit_filed(actor, complaint, project, agency, region, stored)
        notices.complaint_filed_notify(complaint)
    except BaseException:
        for row in stored:
            row.file.storage.delete(row.file.name)
        raise
    return complaint


def _audit_filed(actor, complaint, project, agency, region, stored) -> None:
    subject, category = complaint.subject, complaint.category
    audit_record(actor=actor, action="complaint.filed", obj=complaint, data={
        "number": complaint.number, "subject": subject, "category": category,
        "project": project.pk if project else None, "agency": agency.pk if agency else None,
        "complainant": actor.pk, "region": region.code if region else None,
        "accept_by": complaint.accept_by, "decide_by": complaint.decide_by,
        "attachments": [[a.original_name, a.content_type, a.size, a.sha256] for a in stored]})


def _locked(actor, complaint) -> Complaint:
    complaint = lock(Complaint, complaint, related=("region",),
                     missing=_("No such complaint."))
    require_perm(actor, "supervision.handle_complaint", complaint)
    return complaint


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint | int) -> Complaint:
    """The regulator accepts the complaint for handling (受理)."""
    complaint = _locked(actor, complaint)
    complaint.handled_by = actor
    transition(complaint, "accept", actor=actor, fields=["handled_by"])
    notices.complaint_accepted_notify(complaint)
    return complaint


@transaction.atomic
def complaint_not_accept(*, actor, complaint: Complaint | int, reason: str,
                         now=None) -> Complaint:
    """The regulator refuses to accept the complaint (不予受理), with a public reason."""
    complaint = _locked(actor, complaint)
    reason = _text(reason, field="outcome", least=MIN_REASON, most=MAX_TEXT, message=_(
        "Give the public reason (at least %(n)s characters).") % {"n": MIN_REASON})
    complaint.outcome, complaint.handled_by = reason, actor
    complaint.decided_at = now or timezone.now()
    transition(complaint, "not_accept", actor=actor,
               fields=["outcome", "handled_by", "decided_at"], data={"outcome": reason})
    notices.complaint_decided_notify(complaint)
    return complaint


@transaction.atomic
def complaint_decide(*, actor, complaint: Complaint | int, upheld: bool, outcome: str,
                     now=None) -> Complaint:
    """Decide an accepted complaint with its public outcome. Upheld: a credit event against the
    agency complained about; a posting complained about is withdrawn by order while it still
    can be (else the decision is recorded for the selection's own remedies)."""
    complaint = _locked(actor, complaint)
    now = now or timezone.now()
    outcome = _text(outcome, field="outcome", least=MIN_REASON, most=MAX_TEXT, message=_(
        "Give the public outcome (at least %(n)s characters).") % {"n": MIN_REASON})
    remedy = Remedy.NONE
    if upheld:
        if complaint.agency_id is not None and complaint.subject == Subject.AGENCY:
            credit_event_record(
                agency=complaint.agency_id, kind=CreditEvent.Kind.COMPLAINT_UPHELD,
                source=CreditEvent.Source.OPERATOR, actor=actor, ref=complaint,
                reason=_("Complaint %(number)s upheld: %(outcome)s")
                % {"number": complaint.number, "outcome": outcome})
            remedy = Remedy.CREDIT_EVENT
        elif complaint.subject == Subject.POSTING and complaint.project.withdrawable(now):
            project_withdraw_ordered(
                actor=actor, project=complaint.project, ref=complaint.number,
                reason=_("Withdrawn by order of the regulator (complaint %(number)s): "
                         "%(outcome)s") % {"number": complaint.number, "outcome": outcome},
                now=now)
            remedy = Remedy.POSTING_WITHDRAWN
        else:
            remedy = Remedy.RECORDED
    complaint.outcome, complaint.remedy, complaint.decided_at = outcome, remedy, now
    complaint.handled_by = complaint.handled_by or actor
    transition(complaint, "uphold" if upheld else "dismiss", actor=actor,
               fields=["outcome", "remedy", "decided_at", "handled_by"],
               data={"outcome": outcome, "remedy": remedy, "upheld": upheld})
    notices.complaint_decided_notify(complaint)
    return complaint
