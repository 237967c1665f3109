"""The regulator's review of a flagged posting (R3, R4: "除法律法规有特别规定外", docs/design.md).

A purchaser whose draft is refused for a *reviewable* problem — a designation phrase, or a
qualification off the item's catalogue list (``bidding/rules.py``, ``Problem.reviewable``) —
may, instead of rewriting it, send it to the regulators with the law and article it relies on
(``posting_review_request``). The draft stays unpublished, under review, with the flagged
phrases, their fields and those fields' text recorded. A regulator approves or refuses it with a
public reason (``posting_review_decide``). ``project_publish`` then lets through exactly the
approved phrases while their fields read as reviewed (``unapproved``); a change to such a field
voids the review (``reviews_void_changed``, called by ``project_update``).

Life cycle (``PostingReview.transitions``)::

    PENDING ──approve──> APPROVED ──void (field changed)──> VOIDED
       │ └──refuse──> REFUSED
       └──void (field changed)──> VOIDED
"""
from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding import permissions  # noqa: F401  (registers the bidding.* permissions)
from bidding.models import PostingReview, Project
from bidding.rules import TEXT_FIELDS, Problem, article_cited, posting_problems
from bidding.services import notices
from bidding.services.common import lock_project
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.locking import lock, lock_many
from core.permissions import require_perm
from core.transitions import transition

Status = PostingReview.Status
MIN_REASON = 4


# --- what a review covers (pure) ----------------------------------------------------------------
def field_snapshot(project: Project, field: str, qualifications=None, avoidances=None):
    """The text of one field as a review records it: a free-text field's value, the
    qualification rows (entry, name, grade, legal basis) or the avoidance reasons. An approval
    holds while this is unchanged."""
    if field in TEXT_FIELDS:
        return getattr(project, field) or ""
    if field == "qualifications":
        rows = qualifications if qualifications is not None else (
            list(project.qualifications.all()) if project.pk else [])
        return [[_attr(q, "entry_id"), _attr(q, "name"), _attr(q, "grade"),
                 _attr(q, "legal_basis")] for q in rows]
    if field == "avoidances":
        rows = avoidances if avoidances is not None else (
            list(project.avoidances.all()) if project.pk else [])
        return [_attr(a, "reason") for a in rows]
    return None


def _attr(obj, name):
    if name == "entry_id":
        entry = obj.get("entry") if isinstance(obj, dict) else getattr(obj, "entry", None)
        return getattr(entry, "pk", None)
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return (value or "").strip()


def _same(recorded, current) -> bool:
    """Compare as stored JSON (a tuple reads back as a list)."""
    return (json.dumps(recorded, ensure_ascii=False, sort_keys=True)
            == json.dumps(current, ensure_ascii=False, sort_keys=True))


def unapproved(project: Project, problems: list[Problem], review) -> list[Problem]:
    """The problems an approved ``review`` does not cover. A problem is covered when it is
    reviewable, the review names its field and phrase, and that field reads as reviewed; any
    other problem (another phrase, an abolished qualification, a date) still refuses."""
    if review is None or review.status != Status.APPROVED:
        return list(problems)
    keys = {(item.get("field"), item.get("phrase")) for item in review.flagged}
    return [p for p in problems if not (
        p.reviewable and (p.field, p.phrase) in keys
        and _same(review.snapshot.get(p.field), field_snapshot(project, p.field)))]


def approved_review(project: Project) -> PostingReview | None:
    return project.reviews.filter(status=Status.APPROVED).order_by("-created").first()


# --- the services -------------------------------------------------------------------------------
@transaction.atomic
def posting_review_request(*, actor, project: Project, legal_basis: str,
                           explanation: str = "", now=None) -> PostingReview:
    """The purchaser sends its refused draft to the regulators' review, citing the law and
    article that require the flagged requirements. Records every reviewable problem (field and
    phrase as written) and the text of their fields; the draft stays unpublished."""
    project = lock_project(project)
    require_perm(actor, "bidding.request_posting_review", project)
    if project.status != Project.Status.DRAFT:
        raise Conflict(_("Only a draft can be sent for review."), code="wrong_state")
    if project.reviews.filter(status=Status.PENDING).exists():
        raise Conflict(_("This posting is already under review."), code="under_review")
    legal_basis = (legal_basis or "").strip()
    if not article_cited(legal_basis):
        raise ValidationFailed(_(
            "Name the law or regulation and the article that require it, e.g. "
            "《中华人民共和国测绘法》第二十七条."), field="legal_basis")
    flagged = [p for p in posting_problems(project, now=now) if p.reviewable]
    if not flagged:
        raise ValidationFailed(_("Nothing in this posting needs the regulator's review."),
                               code="nothing_flagged")
    fields = list(dict.fromkeys(p.field for p in flagged))
    review = PostingReview.objects.create(
        project=project, requested_by=actor, legal_basis=legal_basis,
        explanation=(explanation or "").strip(),
        flagged=[{"field": p.field, "phrase": p.phrase, "rule": p.rule,
                  "category": p.category, "message": p.message} for p in flagged],
        snapshot={f: field_snapshot(project, f) for f in fields})
    audit_record(actor=actor, action="posting_review.requested", obj=review, data={
        "project": project.pk, "legal_basis": legal_basis, "explanation": review.explanation,
        "flagged": [[p.field, p.phrase] for p in flagged]})
    notices.posting_review_requested(review)
    return review


@transaction.atomic
def posting_review_decide(*, actor, review, approve: bool, reason: str,
                          now=None) -> PostingReview:
    """A regulator approves or refuses a pending review, with a reason that is public."""
    review = lock(PostingReview, review, related=("project", "project__region"),
                  missing=_("No such posting review."))
    require_perm(actor, "bidding.decide_posting_review", review)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationFailed(_("Give the public reason for the decision (at least a few "
                                 "words)."), field="reason")
    review.decided_by = actor
    review.decided_at = now or timezone.now()
    review.decision_reason = reason
    transition(review, "approve" if approve else "refuse", actor=actor,
               fields=["decided_by", "decided_at", "decision_reason"],
               data={"project": review.project_id, "reason": reason,
                     "phrases": review.phrases})
    notices.posting_review_decided(review)
    return review


def reviews_void_changed(*, actor, project: Project) -> list[PostingReview]:
    """Void every pending or approved review of ``project`` whose reviewed fields no longer
    read as reviewed. Precondition: inside a transaction holding the lock on ``project``,
    after its changes are saved."""
    open_reviews = list(project.reviews.filter(status__in=(Status.PENDING, Status.APPROVED)))
    voided = []
    for review in lock_many(PostingReview, open_reviews).values():
        if review.status not in (Status.PENDING, Status.APPROVED):
            continue
        changed = [f for f, text in review.snapshot.items()
                   if not _same(text, field_snapshot(project, f))]
        if changed:
            transition(review, "void", actor=actor,
                       data={"project": project.pk, "changed": changed})
            voided.append(review)
    return voided
