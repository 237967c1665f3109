"""Purchaser credit (two-sided accountability, docs/design.md R9): the purchaser's own small
ledger and its stored score.

``PurchaserCreditEvent`` rows are appended only (信用管终身), by
``credit.services.purchasers.purchaser_credit_event_record``: a rating given by the agency after
delivery acceptance (``ratings``), a signing deadline missed while the contract awaited the
purchaser, an award declined without a cause the rules accept (``bidding.signals``).
``PurchaserCredit`` is one row per purchaser with the score, stars and grade recomputed from that
ledger in the same transaction, by the same ``credit.scoring.Scorer`` as the agencies'.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bidding.models import Award
from core.models import Organisation
from credit.models.ledger import AppendOnlyQuerySet


class PurchaserCreditEvent(models.Model):
    """One entry of a purchaser's credit ledger."""

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating by the agency")
        CONTRACT_MISSED = "contract_missed", _("Did not confirm the contract before the deadline")
        AWARD_DECLINED = "award_declined", _("Declined the award without an accepted cause")

    class Source(models.TextChoices):
        AGENCY = "agency", _("Agency")
        OPERATOR = "operator", _("Platform operator / regulator")

    purchaser = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="purchaser_credit_events",
                                  verbose_name=_("purchaser"))
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("award"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=0)
    stars = models.DecimalField(_("stars"), max_digits=3, decimal_places=2, null=True,
                                blank=True)
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)
    rule_version = models.CharField(_("rule version"), max_length=16)
    reason = models.TextField(_("reason"), blank=True)
    ref_type = models.CharField(_("reference type"), max_length=64, blank=True)
    ref_id = models.CharField(_("reference id"), max_length=64, blank=True)
    score_after = models.DecimalField(_("score after"), max_digits=6, decimal_places=2,
                                      null=True, blank=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("purchaser credit event")
        verbose_name_plural = _("purchaser credit events")
        indexes = [models.Index(fields=["purchaser", "-occurred_at"],
                                name="purchaser_credit_event_idx")]
        constraints = [models.UniqueConstraint(
            fields=["purchaser", "kind", "ref_type", "ref_id"], condition=~models.Q(ref_id=""),
            name="uniq_purchaser_credit_event_ref")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+} ({self.purchaser_id})"

    def save(self, *args, **kwargs):
        fields = set(kwargs.get("update_fields") or ())
        if not self._state.adding and fields != {"score_after"}:
            raise RuntimeError("purchaser credit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("credit events are never deleted")


class PurchaserCredit(models.Model):
    """A purchaser's stored credit, recomputed from its ledger on every event."""

    purchaser = models.OneToOneField(Organisation, primary_key=True, on_delete=models.PROTECT,
                                     related_name="purchaser_credit",
                                     verbose_name=_("purchaser"))
    score = models.DecimalField(_("credit score"), max_digits=5, decimal_places=2)
    stars = models.PositiveSmallIntegerField(_("credit stars"))
    grade = models.CharField(_("credit grade"), max_length=1)
    events = models.PositiveIntegerField(_("events"), default=0)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("purchaser credit")
        verbose_name_plural = _("purchaser credit")

    def __str__(self) -> str:
        return f"{self.purchaser_id}: {self.score} ({self.grade})"
