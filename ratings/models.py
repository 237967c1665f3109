"""Star ratings (网上评价, R5, R9): five dimensions, a comment, the agency's public reply, appeals.

Writes go through ``ratings.services.ratings``; reads through ``ratings.selectors.ratings``. A voided rating stays
in the history (信用管终身) but stops counting in averages and in credit.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from bidding.models import Award
from core.models import Organisation, TimeStampedModel
from core.transitions import StateMachine, Transition

DIMENSIONS = ("quality", "timeliness", "attitude", "fees", "conduct")
"""The five rated dimensions, in display order (服务质量, 服务时效, 服务态度, 服务收费, 服务规范)."""

_STAR_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _stars(label):
    return models.PositiveSmallIntegerField(label, validators=_STAR_VALIDATORS)


class Rating(TimeStampedModel):
    """The purchaser's rating of the agency for one award (one per award)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("rating status", "Published")
        APPEALED = "appealed", _("Under appeal")
        VOIDED = "voided", _("Voided")

    # Created published (``rating.submitted``, ratings/actions.py); an appeal decided by a
    # regulator voids it or puts it back (the decision is audited on the rating as
    # ``rating.appeal_decided``).
    transitions = StateMachine("status", [
        Transition("appeal", [Status.PUBLISHED], Status.APPEALED, "rating.appealed",
                   _("Rating appealed"), message=_("This rating has already been appealed.")),
        Transition("restore", [Status.APPEALED], Status.PUBLISHED, "rating.appeal_decided",
                   _("Rating appeal decided")),
        Transition("void", [Status.PUBLISHED, Status.APPEALED], Status.VOIDED, "rating.voided",
                   _("Rating voided"), message=_("This rating has been voided already.")),
    ])

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="rating",
                                 verbose_name=_("award"))
    purchaser = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="ratings_given", verbose_name=_("purchaser"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="ratings",
                               verbose_name=_("agency"))
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="ratings_given", verbose_name=_("rated by"))
    quality = _stars(_("service quality"))
    timeliness = _stars(_("timeliness"))
    attitude = _stars(_("service attitude"))
    fees = _stars(_("fees"))
    conduct = _stars(_("professional conduct"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PUBLISHED, db_index=True)
    voided_reason = models.TextField(_("public reason for voiding"), blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("voided by"))
    credit_event = models.ForeignKey("credit.CreditEvent", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("credit event"))

    class Meta:
        ordering = ["-created"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["agency", "status"], name="rating_agency_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(quality__gte=1, quality__lte=5)
                           & models.Q(timeliness__gte=1, timeliness__lte=5)
                           & models.Q(attitude__gte=1, attitude__lte=5)
                           & models.Q(fees__gte=1, fees__lte=5)
                           & models.Q(conduct__gte=1, conduct__lte=5)),
                name="rating_stars_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.average}★"

    @property
    def stars(self) -> dict[str, int]:
        return {d: getattr(self, d) for d in DIMENSIONS}

    @property
    def average(self) -> Decimal:
        """Mean of the five dimensions, two decimals (the stars of its credit event)."""
        total = sum(getattr(self, d) or 0 for d in DIMENSIONS)
        return (Decimal(total) / len(DIMENSIONS)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def counts(self) -> bool:
        return self.status != self.Status.VOIDED


class RatingReply(TimeStampedModel):
    """The agency's public reply to a rating (one per rating)."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="reply",
                                  verbose_name=_("rating"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))
    text = models.TextField(_("reply"), max_length=2000)

    class Meta:
        verbose_name = _("reply to a rating")
        verbose_name_plural = _("replies to ratings")


class RatingAppeal(TimeStampedModel):
    """The agency's appeal against a rating, decided by a regulator (one per rating)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        UPHELD = "upheld", _("Upheld (rating voided)")
        REJECTED = "rejected", pgettext_lazy("appeal status", "Rejected")

    # Decided once; the decision is audited on the rating (``rating.appeal_decided``).
    transitions = StateMachine("status", [
        Transition("uphold", [Status.PENDING], Status.UPHELD, "rating.appeal_decided",
                   _("Rating appeal decided"), message=_("This appeal has already been decided.")),
        Transition("reject", [Status.PENDING], Status.REJECTED, "rating.appeal_decided",
                   _("Rating appeal decided"), message=_("This appeal has already been decided.")),
    ])

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="appeal",
                                  verbose_name=_("rating"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("filed by"))
    reason = models.TextField(_("grounds of appeal"), max_length=4000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")


PURCHASER_DIMENSIONS = ("clarity", "cooperation", "fairness", "payment")
"""What the agency rates the purchaser on (需求清晰, 配合及时, 验收公正, 付款及时)."""


class PurchaserRating(TimeStampedModel):
    """The winning agency's rating of the purchaser for one award (one per award), after the
    purchaser accepted the delivered result: two-sided accountability (docs/design.md R9)."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT,
                                 related_name="purchaser_rating", verbose_name=_("award"))
    purchaser = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="purchaser_ratings", verbose_name=_("purchaser"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT,
                               related_name="purchaser_ratings_given",
                               verbose_name=_("agency"))
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("rated by"))
    clarity = _stars(_("clear requirements"))
    cooperation = _stars(_("timely cooperation"))
    fairness = _stars(_("fair acceptance"))
    payment = _stars(_("timely payment"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    credit_event = models.ForeignKey("credit.PurchaserCreditEvent", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("credit event"))

    class Meta:
        ordering = ["-created"]
        verbose_name = _("rating of a purchaser")
        verbose_name_plural = _("ratings of purchasers")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(clarity__gte=1, clarity__lte=5)
                           & models.Q(cooperation__gte=1, cooperation__lte=5)
                           & models.Q(fairness__gte=1, fairness__lte=5)
                           & models.Q(payment__gte=1, payment__lte=5)),
                name="purchaser_rating_stars_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.purchaser} · {self.average}★"

    @property
    def stars(self) -> dict[str, int]:
        return {d: getattr(self, d) for d in PURCHASER_DIMENSIONS}

    @property
    def average(self) -> Decimal:
        """Mean of the four dimensions, two decimals (the stars of its credit event)."""
        total = sum(getattr(self, d) or 0 for d in PURCHASER_DIMENSIONS)
        return (Decimal(total) / len(PURCHASER_DIMENSIONS)).quantize(Decimal("0.01"),
                                                                      ROUND_HALF_UP)


class PurchaserRatingReply(TimeStampedModel):
    """The purchaser's public reply to an agency's rating of it (one per rating)."""

    rating = models.OneToOneField(PurchaserRating, on_delete=models.PROTECT,
                                  related_name="reply", verbose_name=_("rating"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))
    text = models.TextField(_("reply"), max_length=2000)

    class Meta:
        verbose_name = _("reply to a rating of a purchaser")
        verbose_name_plural = _("replies to ratings of purchasers")
