"""Awards (中选) and what follows them: objections, contracts, deliveries (docs/design.md §3).
Their life cycles are declared here (``transitions``) and applied by the services."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from bidding.models.projects import Project, SignUp
from core.models import Organisation, TimeStampedModel
from core.transitions import StateMachine, Transition


class Award(TimeStampedModel):
    """A selection result (中选). Re-made to the runner-up if the winner refuses to sign; the
    earlier award is then superseded, never deleted."""

    class Status(models.TextChoices):
        NOTICE = "notice", _("Award notice (objection period)")
        CONTRACTING = "contracting", _("Awaiting contract")
        IN_SERVICE = "in_service", _("In service")
        DELIVERED = "delivered", _("Result delivered")
        ACCEPTED = "accepted", _("Result accepted")
        SUPERSEDED = "superseded", _("Superseded (winner refused)")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="awards",
                                verbose_name=_("project"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="awards",
                               verbose_name=_("agency"))
    signup = models.ForeignKey(SignUp, on_delete=models.PROTECT, related_name="awards",
                               verbose_name=_("sign-up"))
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    price = models.DecimalField(_("award price"), max_digits=14, decimal_places=2)
    quote = models.DecimalField(_("winning quote"), max_digits=14, decimal_places=2,
                                null=True, blank=True,
                                help_text=_("The quote as bid (an amount or a discount rate)."))
    method = models.CharField(_("selection method"), max_length=16,
                              choices=Project.Method.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.NOTICE, db_index=True)
    decided_at = models.DateTimeField(_("decided at"))
    objection_until = models.DateTimeField(_("objection period ends"))
    contract_deadline = models.DateTimeField(_("contract deadline"), null=True, blank=True)
    computation = models.JSONField(_("computation"), default=dict, blank=True,
                                   help_text=_("Bid log or draw computation, published."))
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    record_hash = models.CharField(_("record hash"), max_length=64)
    status_reason = models.TextField(_("public reason"), blank=True)

    # The award's life cycle (bidding.services.awards, docs/design.md). Moves recorded on the
    # contract or the delivery they come with (audit=False) carry that record's action type.
    S = Status
    transitions = StateMachine("status", [
        Transition("open_contracting", [S.NOTICE], S.CONTRACTING, "award.contracting",
                   _("Contract signing opened")),
        Transition("withdraw", [S.NOTICE, S.CONTRACTING], S.WITHDRAWN, "award.withdrawn",
                   _("Award withdrawn")),
        Transition("supersede", [S.NOTICE, S.CONTRACTING], S.SUPERSEDED, "award.superseded",
                   _("Award passed to the runner-up"),
                   message=_("This award can no longer be refused.")),
        Transition("start_service", [S.CONTRACTING], S.IN_SERVICE, "contract.confirmed",
                   _("Contract confirmed"),
                   message=_("There is no uploaded contract to confirm.")),
        Transition("deliver", [S.IN_SERVICE], S.DELIVERED, "delivery.submitted",
                   _("Result delivered"),
                   message=_("A result can be delivered only while the service is in progress.")),
        Transition("accept_result", [S.DELIVERED], S.ACCEPTED, "delivery.accepted",
                   _("Delivery accepted"), message=_("This result has already been decided.")),
        Transition("return_result", [S.DELIVERED], S.IN_SERVICE, "delivery.returned",
                   _("Delivery returned"), message=_("This result has already been decided.")),
    ])
    del S

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.project} → {self.agency}"


class Objection(TimeStampedModel):
    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        ANSWERED = "answered", _("Answered by the purchaser")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", pgettext_lazy("objection status", "Rejected")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="objections",
                              verbose_name=_("award"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="objections",
                               verbose_name=_("filed by"))
    text = models.TextField(_("objection"))
    answer = models.TextField(_("purchaser's answer"), blank=True)
    decision = models.TextField(_("regulator's decision"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.FILED, db_index=True)

    PENDING = (Status.FILED, Status.ANSWERED)  # awaiting the regulator's decision
    transitions = StateMachine("status", [
        Transition("answer", [Status.FILED], Status.ANSWERED, "objection.answered",
                   _("Objection answered"),
                   message=_("This objection has already been answered or decided.")),
        Transition("uphold", PENDING, Status.UPHELD, "objection.decided", _("Objection decided"),
                   message=_("This objection has already been decided.")),
        Transition("reject", PENDING, Status.REJECTED, "objection.decided",
                   _("Objection decided"), message=_("This objection has already been decided.")),
    ])

    class Meta:
        ordering = ["-created"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")


class Contract(TimeStampedModel):
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract",
                                 verbose_name=_("award"))
    file = models.FileField(_("contract file"), upload_to="contracts/%Y/%m/")
    uploaded_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    confirmed_by = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")


class Delivery(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="deliveries",
                              verbose_name=_("award"))
    file = models.FileField(_("result file"), upload_to="results/%Y/%m/")
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED)
    reason = models.TextField(_("reason returned"), blank=True)
    on_time = models.BooleanField(_("on time"), default=True)

    transitions = StateMachine("status", [
        Transition("accept", [Status.SUBMITTED], Status.ACCEPTED, "delivery.accepted",
                   _("Delivery accepted"), message=_("This result has already been decided.")),
        Transition("return", [Status.SUBMITTED], Status.RETURNED, "delivery.returned",
                   _("Delivery returned"), message=_("This result has already been decided.")),
    ])

    class Meta:
        ordering = ["-created"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
