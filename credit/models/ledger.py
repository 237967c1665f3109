"""The credit ledger and the sanctions of the exit mechanism (R9–R11).

``CreditEvent`` rows are never deleted (信用管终身): a wrong event is *voided* with a public reason
and stops counting, but stays in the history. ``Sanction`` rows carry the exit mechanism's
warnings, suspensions and expulsions through their life (proposed → active → lifted / expired /
revoked). Writes go through ``credit.services.ledger`` only; the agency's denormalised ``credit_score``,
``credit_stars``, ``credit_grade`` and ``standing`` are kept in step there.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from core.models import TimeStampedModel
from core.transitions import StateMachine, Transition


class AppendOnlyQuerySet(models.QuerySet):
    def delete(self):  # noqa: D401 - refuse, the ledger is kept for life
        raise RuntimeError("credit events are never deleted; void them instead")


class CreditEvent(models.Model):
    """One entry of an agency's credit ledger."""

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating by the purchaser")
        DELIVERY_ON_TIME = "delivery_on_time", _("Result delivered on time")
        DELIVERY_LATE = "delivery_late", _("Result delivered late")
        CONTRACT_REFUSED = "contract_refused", _("Refused to sign the contract")
        CONTRACT_MISSED = "contract_missed", _("Missed the signing deadline")
        OBJECTION_UPHELD = "objection_upheld", _("Objection upheld against the agency")
        COMPLAINT_UPHELD = "complaint_upheld", _("Quality complaint upheld")
        REGULATOR_FINDING = "regulator_finding", _("Regulator finding")
        INSPECTION_PASS = "inspection_pass", _("Random inspection passed")
        INSPECTION_FAIL = "inspection_fail", _("Random inspection failed")
        REGISTRATION_FRAUD = "registration_fraud", _("Fraud in registration")
        REFUSED_MANAGEMENT = "refused_management", _("Refused to obey management")
        REPAIR = "repair", _("Credit repair")

    class Source(models.TextChoices):
        PURCHASER = "purchaser", _("Purchaser")
        INDUSTRY_DEPARTMENT = "industry_department", _("Industry department")
        OPERATOR = "operator", _("Platform operator / regulator")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="credit_events",
                               verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=0,
                                 help_text=_("Points before source weight and age decay."))
    stars = models.DecimalField(_("stars"), max_digits=3, decimal_places=2, null=True,
                                blank=True, help_text=_("For a rating: its star average."))
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)
    rule_version = models.CharField(_("rule version"), max_length=16)
    reason = models.TextField(_("reason"), blank=True)
    ref_type = models.CharField(_("reference type"), max_length=64, blank=True)
    ref_id = models.CharField(_("reference id"), max_length=64, blank=True)
    score_after = models.DecimalField(_("score after"), max_digits=6, decimal_places=2,
                                      null=True, blank=True)
    voided = models.BooleanField(_("voided"), default=False)
    voided_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("voided by"))
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    objects = AppendOnlyQuerySet.as_manager()

    VOID_FIELDS = frozenset({"voided", "voided_reason", "voided_at", "voided_by",
                             "score_after"})

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        indexes = [
            models.Index(fields=["agency", "-occurred_at"], name="credit_event_agency_idx"),
            models.Index(fields=["kind", "occurred_at"], name="credit_event_kind_idx"),
            models.Index(fields=["ref_type", "ref_id"], name="credit_event_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+} ({self.agency_id})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= self.VOID_FIELDS:
                raise RuntimeError("credit events are append-only; only voiding may change one")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("credit events are never deleted; void them instead")


class Sanction(TimeStampedModel):
    """A warning, suspension or expulsion of the exit mechanism (R10)."""

    class Kind(models.TextChoices):
        WARNING = "warning", pgettext_lazy("sanction", "Warning")
        SUSPENSION = "suspension", _("Suspension")
        EXPULSION = "expulsion", _("Expulsion")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting the regulator")
        ACTIVE = "active", _("In force")
        LIFTED = "lifted", _("Lifted")
        EXPIRED = "expired", pgettext_lazy("sanction status", "Expired")
        REVOKED = "revoked", _("Revoked")

    class Trigger(models.TextChoices):
        LOW_GRADE = "low_grade", _("Low credit grade")
        CONTRACT_REFUSAL = "contract_refusal", _("Refusal to sign / missed signing deadline")
        ONE_STAR = "one_star", _("One-star credit")
        FRAUD = "fraud", _("Fraud in registration")
        COMPLAINTS = "complaints", _("Repeated upheld quality complaints")
        REGULATOR = "regulator", _("Decision of the regulator")

    class Appeal(models.TextChoices):
        NONE = "", _("No appeal")
        PENDING = "pending", _("Appeal pending")
        UPHELD = "upheld", _("Appeal upheld")
        REJECTED = "rejected", _("Appeal rejected")

    # A sanction is created proposed (an automatic expulsion, awaiting the regulator) or in force
    # (``sanction.proposed`` / ``sanction.active``, credit/actions.py); then it moves only so.
    transitions = StateMachine("status", [
        Transition("confirm", [Status.PROPOSED], Status.ACTIVE, "sanction.confirmed",
                   _("Sanction confirmed")),
        Transition("reject", [Status.PROPOSED], Status.REVOKED, "sanction.revoked",
                   _("Sanction revoked"), message=_("Only a proposed sanction can be rejected.")),
        Transition("lift", [Status.ACTIVE], Status.LIFTED, "sanction.lifted",
                   _("Sanction lifted"), message=_("Only a sanction in force can be lifted.")),
        Transition("expire", [Status.ACTIVE], Status.EXPIRED, "sanction.expired",
                   _("Sanction expired")),
        Transition("revoke", [Status.PROPOSED, Status.ACTIVE], Status.REVOKED,
                   "sanction.revoked", _("Sanction revoked"),
                   message=_("This sanction is no longer in force.")),
    ])

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sanctions",
                               verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              db_index=True)
    trigger = models.CharField(_("trigger"), max_length=24, choices=Trigger.choices)
    trigger_event = models.ForeignKey(CreditEvent, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="sanctions",
                                      verbose_name=_("triggering event"))
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    blacklist_until = models.DateTimeField(_("blacklisted until"), null=True, blank=True)
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("imposed by"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("closed by"))
    close_reason = models.TextField(_("reason for closing"), blank=True)
    appeal_status = models.CharField(_("appeal"), max_length=16, choices=Appeal.choices,
                                     default=Appeal.NONE, blank=True)
    appeal_text = models.TextField(_("grounds of appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)
    appeal_decision = models.TextField(_("decision on the appeal"), blank=True)
    appeal_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("appeal decided by"))
    appeal_decided_at = models.DateTimeField(_("appeal decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        indexes = [
            models.Index(fields=["agency", "status"], name="sanction_agency_status_idx"),
            models.Index(fields=["status", "ends_at"], name="sanction_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.agency_id} · {self.get_status_display()}"

    def delete(self, *args, **kwargs):
        raise RuntimeError("sanctions are public records and are never deleted")

    def in_force(self, now) -> bool:
        if self.status != self.Status.ACTIVE:
            return False
        if self.starts_at and self.starts_at > now:
            return False
        if self.kind == self.Kind.EXPULSION:
            return self.blacklist_until is None or self.blacklist_until > now
        return self.ends_at is None or self.ends_at > now
