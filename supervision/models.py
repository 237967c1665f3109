"""Online complaints (投诉举报, issue 10): any signed-in party — an agency refused a sign-up
included — complains about a posting (suspected designation, unfair terms), a selection or an
agency's conduct; the regulator of the region accepts it within 5 working days and decides it
within 30 (the rules COMPLAINT_ACCEPT_WORKING_DAYS / COMPLAINT_DECIDE_WORKING_DAYS); the outcome
is public. Upheld against an agency it is a credit event (the exit rules count them); upheld
against a posting the posting is withdrawn by order (docs/design.md, R11).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from bidding.models import Project
from core.models import Organisation, Region, TimeStampedModel
from core.transitions import StateMachine, Transition


class Complaint(TimeStampedModel):
    class Subject(models.TextChoices):
        POSTING = "posting", _("A posting (suspected designation, unfair terms)")
        SELECTION = "selection", _("A selection or award")
        AGENCY = "agency", _("An agency's conduct")

    class Category(models.TextChoices):
        DESIGNATION = "designation", _("Suspected designation or disguised designation")
        UNFAIR_TERMS = "unfair_terms", _("Unfair or restrictive terms")
        SELECTION = "selection", _("Irregular selection or award")
        REFUSED = "refused", _("Refused a sign-up without cause")
        CONDUCT = "conduct", _("Agency misconduct or poor service")
        OTHER = "other", pgettext_lazy("complaint category", "Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted, being handled")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    class Remedy(models.TextChoices):
        NONE = "", _("None")
        CREDIT_EVENT = "credit_event", _("Credit event against the agency")
        POSTING_WITHDRAWN = "posting_withdrawn", _("Posting withdrawn by order")
        RECORDED = "recorded", _("Decision recorded (the selection is past withdrawal)")

    OPEN = (Status.RECEIVED, Status.ACCEPTED)
    transitions = StateMachine("status", [
        Transition("accept", [Status.RECEIVED], Status.ACCEPTED, "complaint.accepted",
                   _("Complaint accepted"), message=_("Only a received complaint can be accepted.")),
        Transition("not_accept", [Status.RECEIVED], Status.NOT_ACCEPTED, "complaint.not_accepted",
                   _("Complaint not accepted"),
                   message=_("Only a received complaint can be refused acceptance.")),
        Transition("uphold", [Status.ACCEPTED], Status.UPHELD, "complaint.decided",
                   _("Complaint decided"), message=_("Accept the complaint before deciding it.")),
        Transition("dismiss", [Status.ACCEPTED], Status.DISMISSED, "complaint.decided",
                   _("Complaint decided"), message=_("Accept the complaint before deciding it.")),
    ])

    number = models.CharField(_("number"), max_length=24, unique=True)
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="complaints", verbose_name=_("complainant"))
    complainant_org = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                        related_name="complaints_filed",
                                        verbose_name=_("complainant's organisation"))
    subject = models.CharField(_("about"), max_length=16, choices=Subject.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="complaints", verbose_name=_("project"))
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="complaints", verbose_name=_("agency"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="complaints", verbose_name=_("region"),
                               help_text=_("Routes the complaint to the regulator of the region."))
    text = models.TextField(_("facts and request"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.RECEIVED, db_index=True)
    accept_by = models.DateTimeField(_("accept by"))
    decide_by = models.DateTimeField(_("decide by"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaints_handled",
                                   verbose_name=_("handled by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    outcome = models.TextField(_("public outcome"), blank=True)
    remedy = models.CharField(_("remedy"), max_length=24, choices=Remedy.choices, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["status", "decide_by"], name="complaint_status_due_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_decided(self) -> bool:
        return self.status in (self.Status.UPHELD, self.Status.DISMISSED, self.Status.NOT_ACCEPTED)


class ComplaintAttachment(models.Model):
    """Evidence filed with a complaint: PDF or image, checked by its content like the agencies'
    papers (agencies/services/papers.py::paper_file_check); private to the complainant and the
    regulator (``supervision.see_complainant``), stored under MEDIA_ROOT/complaints/, which is
    never served as plain media."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments",
                                  verbose_name=_("complaint"))
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
