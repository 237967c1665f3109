"""Writes of ratings (R5 网上评价, R9 星级评价).

Each rating records a credit event through ``credit.services.ledger.credit_event_record`` (source
purchaser, stars = the average of the five dimensions); voiding a rating voids that event, so a
voided rating stops counting in averages and in credit but stays in the history.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from bidding.models import Award, Delivery
from core.audit import audit_record
from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed, from_django_validation
from core.roles import Kind, require_kind
from ratings.models import DIMENSIONS, Rating, RatingAppeal, RatingReply
from ratings.selectors.ratings import agency_rating_figures


def add_working_days_safe(start: dt.datetime, days: int) -> dt.datetime:
    """``start`` + ``days`` Chinese working days (``core.workdays``); Monday–Friday when
    that module is not available."""
    try:
        from core.workdays import add_working_days
    except ImportError:  # pragma: no cover - until the working-day module exists
        current, left = start, days
        while left > 0:
            current += dt.timedelta(days=1)
            if current.weekday() < 5:
                left -= 1
        return current
    return add_working_days(start, days)


def rating_accepted_at(award: Award) -> dt.datetime:
    """When the purchaser accepted the delivered result (start of the rating window)."""
    delivery = (Delivery.objects.filter(award=award, status=Delivery.Status.ACCEPTED)
                .order_by("-modified").first())
    return delivery.modified if delivery is not None else award.modified


def rating_deadline(award: Award) -> dt.datetime:
    return add_working_days_safe(rating_accepted_at(award),
                                 settings.MARKETPLACE["RATING_WORKING_DAYS"])


def _lock(model, pk, message):
    try:
        return model.objects.select_for_update().get(pk=getattr(pk, "pk", pk))
    except model.DoesNotExist:
        raise NotFound(message) from None


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
    agency = Agency.objects.select_for_update().get(pk=agency_id)
    average, count = agency_rating_figures(agency=agency)
    agency.rating_average, agency.rating_count = average, count
    agency.save(update_fields=["rating_average", "rating_count", "modified"])


@transaction.atomic
def rating_submit(*, actor, award, quality, timeliness, attitude, fees, conduct,
                  comment: str = "", now: dt.datetime | None = None) -> Rating:
    """The purchaser of ``award`` rates its agency: once, after accepting the delivered result,
    within ``RATING_WORKING_DAYS`` working days."""
    org = require_kind(actor, Kind.PURCHASER)
    award = _lock(Award, award, _("This award does not exist."))
    if award.project.purchaser_id != org.pk:
        raise NotAllowed(_("Only the purchaser of this project may rate its agency."))
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
    from credit.services.ledger import credit_event_record

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
    return rating


@transaction.atomic
def rating_reply(*, actor, rating, text: str) -> RatingReply:
    """The rated agency replies publicly (once)."""
    org = require_kind(actor, Kind.AGENCY)
    rating = _lock(Rating, rating, _("This rating does not exist."))
    if rating.agency.organisation_id != org.pk:
        raise NotAllowed(_("Only the rated agency may reply to this rating."))
    if RatingReply.objects.filter(rating=rating).exists():
        raise Conflict(_("You have already replied to this rating."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write your reply."), field="text")
    reply = RatingReply(rating=rating, author=actor, text=text)
    try:
        reply.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    reply.save()
    audit_record(actor=actor, action="rating.replied", obj=rating, data={"text": text})
    return reply


@transaction.atomic
def rating_appeal(*, actor, rating, reason: str) -> RatingAppeal:
    """The rated agency appeals a published rating to the regulator (once per rating)."""
    org = require_kind(actor, Kind.AGENCY)
    rating = _lock(Rating, rating, _("This rating does not exist."))
    if rating.agency.organisation_id != org.pk:
        raise NotAllowed(_("Only the rated agency may appeal this rating."))
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
    rating.status = Rating.Status.APPEALED
    rating.save(update_fields=["status", "modified"])
    audit_record(actor=actor, action="rating.appealed", obj=rating,
                 data={"appeal": appeal.pk, "reason": reason})
    return appeal


def _void(*, actor, rating: Rating, reason: str) -> None:
    rating.status = Rating.Status.VOIDED
    rating.voided_reason = reason
    rating.voided_at = timezone.now()
    rating.voided_by = actor
    rating.save(update_fields=["status", "voided_reason", "voided_at", "voided_by", "modified"])
    if rating.credit_event_id:
        from credit.services.ledger import credit_event_void

        credit_event_void(actor=actor, event=rating.credit_event, reason=reason)
    _refresh_agency_figures(rating.agency_id)


@transaction.atomic
def rating_appeal_decide(*, actor, appeal, uphold: bool, decision: str) -> RatingAppeal:
    """A regulator decides an appeal: upheld voids the rating with the decision as its public
    reason; rejected puts the rating back as published."""
    require_kind(actor, Kind.REGULATOR)
    appeal = _lock(RatingAppeal, appeal, _("This appeal does not exist."))
    if appeal.status != RatingAppeal.Status.PENDING:
        raise Conflict(_("This appeal has already been decided."))
    decision = (decision or "").strip()
    if not decision:
        raise ValidationFailed(_("Give the reasons for the decision; they are published."),
                               field="decision")
    rating = Rating.objects.select_for_update().get(pk=appeal.rating_id)
    appeal.status = RatingAppeal.Status.UPHELD if uphold else RatingAppeal.Status.REJECTED
    appeal.decision = decision
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decision", "decided_by", "decided_at", "modified"])
    if uphold:
        _void(actor=actor, rating=rating, reason=decision)
    elif rating.status == Rating.Status.APPEALED:
        rating.status = Rating.Status.PUBLISHED
        rating.save(update_fields=["status", "modified"])
    audit_record(actor=actor, action="rating.appeal_decided", obj=rating,
                 data={"appeal": appeal.pk, "upheld": bool(uphold), "decision": decision})
    return appeal


@transaction.atomic
def rating_void(*, actor, rating, reason: str) -> Rating:
    """A regulator voids a rating with a public reason. A pending appeal on it is upheld."""
    require_kind(actor, Kind.REGULATOR)
    rating = _lock(Rating, rating, _("This rating does not exist."))
    if rating.status == Rating.Status.VOIDED:
        raise Conflict(_("This rating has been voided already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the public reason for voiding this rating."),
                               field="reason")
    appeal = RatingAppeal.objects.select_for_update().filter(
        rating=rating, status=RatingAppeal.Status.PENDING).first()
    if appeal is not None:
        appeal.status = RatingAppeal.Status.UPHELD
        appeal.decision = reason
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
        appeal.save(update_fields=["status", "decision", "decided_by", "decided_at", "modified"])
    _void(actor=actor, rating=rating, reason=reason)
    audit_record(actor=actor, action="rating.voided", obj=rating, data={"reason": reason})
    return rating


__all__ = ["rating_submit", "rating_reply", "rating_appeal", "rating_appeal_decide",
           "rating_void", "rating_deadline"]
