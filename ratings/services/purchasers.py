"""Writes of the agencies' ratings of purchasers (two-sided accountability, docs/design.md R9).

The mirror of ``ratings.services.ratings.rating_submit``: once the purchaser has accepted the
delivered result, the winning agency rates the purchaser once, within the same rating window
(``RATING_WORKING_DAYS`` working days from the acceptance), not editable afterwards, like the
purchaser's rating of the agency. The purchaser may reply once. Each rating becomes an event of
the purchaser's credit (``credit.services.purchasers.purchaser_credit_event_record``, source
agency, stars = the average of the four dimensions).
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.models import Award
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed, from_django_validation
from core.locking import lock
from core.permissions import require_perm
from credit.models import PurchaserCreditEvent
from credit.services.purchasers import purchaser_credit_event_record
from ratings import permissions  # noqa: F401  (registers the ratings permissions)
from ratings.models import PURCHASER_DIMENSIONS, PurchaserRating, PurchaserRatingReply
from ratings.services import notices
from ratings.services.ratings import _stars, rating_deadline, reply_once


@transaction.atomic
def purchaser_rating_submit(*, actor, award, clarity, cooperation, fairness, payment,
                            comment: str = "", now: dt.datetime | None = None
                            ) -> PurchaserRating:
    """The agency that carried out ``award`` rates its purchaser: once, after the purchaser
    accepted the result, within the rating window."""
    award = lock(Award, award, related=("project__purchaser", "agency"),
                 missing=_("This award does not exist."))
    require_perm(actor, "ratings.rate_purchaser", award)
    if award.status != Award.Status.ACCEPTED:
        raise Conflict(_("The purchaser can be rated only after it has accepted the delivered "
                         "result."))
    if PurchaserRating.objects.filter(award=award).exists():
        raise Conflict(_("You have already rated the purchaser for this award; each award is "
                         "rated once."))
    now = now or timezone.now()
    deadline = rating_deadline(award)
    if now > deadline:
        raise Conflict(_("The rating window closed on %(date)s.")
                       % {"date": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")})
    values, errors = {}, {}
    for name, value in zip(PURCHASER_DIMENSIONS, (clarity, cooperation, fairness, payment)):
        try:
            values[name] = _stars(name, value)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Give every dimension 1 to 5 stars."), fields=errors)
    org = award.project.purchaser
    rating = PurchaserRating(award=award, purchaser=org, agency=award.agency, rated_by=actor,
                             comment=(comment or "").strip(), **values)
    try:
        rating.full_clean(exclude=["credit_event"])
    except ValidationError as exc:
        raise from_django_validation(exc) from None
    rating.save()
    rating.credit_event = purchaser_credit_event_record(
        purchaser=org, kind=PurchaserCreditEvent.Kind.RATING,
        source=PurchaserCreditEvent.Source.AGENCY, actor=actor, stars=rating.average,
        award=award, ref=rating,
        reason=f"{award.agency.name}：{award.project.title}（{award.code}）")
    rating.save(update_fields=["credit_event"])
    audit_record(actor=actor, action="purchaser_rating.submitted", obj=rating,
                 data={"award": award.pk, "purchaser": org.pk, "agency": award.agency_id,
                       **values, "average": str(rating.average)})
    notices.purchaser_rating_submitted_notify(rating)
    return rating


@transaction.atomic
def purchaser_rating_reply(*, actor, rating, text: str) -> PurchaserRatingReply:
    """The rated purchaser replies publicly (once)."""
    rating = lock(PurchaserRating, rating, missing=_("This rating does not exist."))
    require_perm(actor, "ratings.reply_purchaser_rating", rating)
    reply = reply_once(PurchaserRatingReply, rating=rating, actor=actor, text=text,
                       action="purchaser_rating.replied")
    notices.rating_replied_notify(rating)
    return reply
