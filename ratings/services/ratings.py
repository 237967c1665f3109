"""Writes of ratings (R5 网上评价, R9 星级评价).

Each rating records a credit event through ``credit.services.ledger.credit_event_record`` (source
purchaser, stars = the average of the five dimensions); voiding a rating voids that event, so a
voided rating stops counting in averages and in credit but stays in the history.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding.models import Award, Delivery
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed, from_django_validation
from core.locking import lock
from core.permissions import require_perm
from core.transitions import transition
from credit.services.ledger import credit_event_record, credit_event_void
from ratings import permissions  # noqa: F401  (registers the ratings permissions)
from ratings.models import DIMENSIONS, Rating, RatingAppeal, RatingReply
from ratings.selectors.ratings import agency_rating_figures
from ratings.selectors.todos import rating_window_end
from ratings.services import notices


def rating_accepted_at(award: Award) -> dt.datetime:
    """When the purchaser accepted the delivered result (start of the rating window)."""
    delivery = (Delivery.objects.filter(award=award, status=Delivery.Status.ACCEPTED)
                .order_by("-modified").first())
    return delivery.modified if delivery is not None else award.modified


def rating_deadline(award: Award) -> dt.datetime:
    return rating_window_end(rating_accepted_at(award))


def _stars(name: str, value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise ValidationFailed(_("Give 1 to 5 stars."), field=name)
    return number


def _refresh_agency_figures(agency_id: int) -> None:
    """Rewrite the agency's denormalised star average and count (voided ratings excluded).
    Call inside the transaction holding the agency row lock."""
    agency = lock(Agency, agency_id)
    average, count = agency_rating_figures(agency=agency)
    agency.rating_average, agency.rating_count = average, count
    agency.save(update_fields=["rating_average", "rating_count", "modified"])


@transaction.atomic
def rating_submit(*, actor, award, quality, timeliness, attitude, fees, conduct,
                  comment: str = "", now: dt.datetime | None = None) -> Rating:
    """The purchaser of ``award`` rates its agency: once, after accepting the delivered result,
    within ``RATING_WORKING_DAYS`` working days."""
    award = lock(Award, award, related=("project__purchaser",), missing=_("This award does not exist."))
    require_perm(actor, "ratings.rate_award", award)
    org = award.project.purchaser
    if award.status != Award.Status.ACCEPTED:
        raise Conflict(_("A rating is possible only after you have accepted the delivered result."))
    if Rating.objects.filter(award=award).exists():
        raise Conflict(_("This award has already been rated; each award is rated once."))
    now = now or timezone.now()
    deadline = rating_deadline(award)
    if now > deadline:
        raise Conflict(_("The rating window closed on %(date)s.")
                       % {"date": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")})
    values = {}
    errors = {}
    for name, value in zip(DIMENSIONS, (quality, timeliness, attitude, fees, conduct)):
        try:
            values[name] = _stars(name, value)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Give every dimension 1 to 5 stars."), fields=errors)
    rating = Rating(award=award, purchaser=org, agency_id=award.agency_id, rated_by=actor,
                    comment=(comment or "").strip(), **values)
    try:
        rating.full_clean(exclude=["credit_event"])
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    rating.save()
    event = credit_event_record(
        agency=award.agency, kind="rating", source="purchaser", actor=actor,
        stars=rating.average, ref=rating,
        reason=_("Rating by %(purchaser)s for %(project)s")
        % {"purchaser": org.name, "project": award.project.title})
    rating.credit_event = event
    rating.save(update_fields=["credit_event"])
    _refresh_agency_figures(award.agency_id)
    audit_record(actor=actor, action="rating.submitted", obj=rating,
                 data={"award": award.pk, "agency": award.agency_id, **values,
                       "average": str(rating.average)})
    notices.rating_submitted_notify(rating)
    return rating


@transaction.atomic
def rating_reply(*, actor, rating, text: str) -> RatingReply:
    """The rated agency replies publicly (once)."""
    rating = lock(Rating, rating, related=("agency",), missing=_("This rating does not exist."))
    require_perm(actor, "ratings.reply_rating", rating)
    reply = reply_once(RatingReply, rating=rating, actor=actor, text=text,
                       action="rating.replied")
    notices.rating_replied_notify(rating)
    return reply


def reply_once(reply_model, *, rating, actor, text: str, action: str):
    """The one public reply to a rating (of an agency or of a purchaser), written and audited;
    the caller has locked ``rating`` and checked the permission."""
    if reply_model.objects.filter(rating=rating).exists():
        raise Conflict(_("You have already replied to this rating."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write your reply."), field="text")
    reply = reply_model(rating=rating, author=actor, text=text)
    try:
        reply.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    reply.save()
    audit_record(actor=actor, action=action, obj=rating, data={"text": text})
    return reply


@transaction.atomic
def rating_appeal(*, actor, rating, reason: str) -> RatingAppeal:
    """The rated agency appeals a published rating to the regulator (once per rating)."""
    rating = lock(Rating, rating, related=("agency",), missing=_("This rating does not exist."))
    require_perm(actor, "ratings.appeal_rating", rating)
    if rating.status == Rating.Status.VOIDED:
        raise Conflict(_("This rating has been voided already."))
    if RatingAppeal.objects.filter(rating=rating).exists():
        raise Conflict(_("This rating has already been appealed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("State the grounds of your appeal."), field="reason")
    appeal = RatingAppeal(rating=rating, filed_by=actor, reason=reason)
    try:
        appeal.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    appeal.save()
    transition(rating, "appeal", actor=actor, data={"appeal": appeal.pk, "reason": reason})
    notices.rating_appealed_notify(appeal)
    return appeal


def _void(*, actor, rating: Rating, reason: str, audit: bool) -> None:
    """Void ``rating`` (locked by the caller) and its credit event; ``audit=False`` when the
    caller records the decision that voided it."""
    rating.voided_reason = reason
    rating.voided_at = timezone.now()
    rating.voided_by = actor
    transition(rating, "void", actor=actor, data={"reason": reason}, audit=audit,
               fields=["voided_reason", "voided_at", "voided_by"])
    if rating.credit_event_id:
        credit_event_void(actor=actor, event=rating.credit_event, reason=reason)
    _refresh_agency_figures(rating.agency_id)


@transaction.atomic
def rating_appeal_decide(*, actor, appeal, uphold: bool, decision: str) -> RatingAppeal:
    """A regulator decides an appeal: upheld voids the rating with the decision as its public
    reason; rejected puts the rating back as published."""
    appeal = lock(RatingAppeal, appeal, related=("rating__agency__region",),
                  missing=_("This appeal does not exist."))
    require_perm(actor, "ratings.decide_appeal", appeal)
    RatingAppeal.transitions.check(appeal, "uphold" if uphold else "reject")
    decision = (decision or "").strip()
    if not decision:
        raise ValidationFailed(_("Give the reasons for the decision; they are published."),
                               field="decision")
    rating = lock(Rating, appeal.rating_id)
    _decide(appeal, "uphold" if uphold else "reject", actor=actor, decision=decision)
    if uphold:
        _void(actor=actor, rating=rating, reason=decision, audit=False)
    elif Rating.transitions.allowed(rating, "restore"):
        transition(rating, "restore", actor=actor, audit=False)
    audit_record(actor=actor, action="rating.appeal_decided", obj=rating,
                 data={"appeal": appeal.pk, "upheld": bool(uphold), "decision": decision})
    notices.rating_decided_notify(
        rating, kind="rating.appeal_upheld" if uphold else "rating.appeal_rejected",
        text=decision, appeal=appeal)
    return appeal


@transaction.atomic
def rating_void(*, actor, rating, reason: str) -> Rating:
    """A regulator voids a rating with a public reason. A pending appeal on it is upheld."""
    require_perm(actor, "ratings.void_rating")
    rating = lock(Rating, rating, missing=_("This rating does not exist."))
    Rating.transitions.check(rating, "void")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the public reason for voiding this rating."),
                               field="reason")
    pending = RatingAppeal.objects.filter(
        rating=rating, status=RatingAppeal.Status.PENDING).values_list("pk", flat=True).first()
    if pending is not None:
        _decide(lock(RatingAppeal, pending), "uphold", actor=actor, decision=reason)
    _void(actor=actor, rating=rating, reason=reason, audit=True)
    notices.rating_decided_notify(rating, kind="rating.voided", text=reason)
    return rating


def _decide(appeal: RatingAppeal, name: str, *, actor, decision: str) -> None:
    """Uphold or reject ``appeal`` (locked by the caller); the caller audits the decision on the
    rating."""
    appeal.decision = decision
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    transition(appeal, name, actor=actor, audit=False,
               fields=["decision", "decided_by", "decided_at"])


__all__ = ["rating_submit", "rating_reply", "rating_appeal", "rating_appeal_decide",
           "rating_void", "rating_deadline"]
