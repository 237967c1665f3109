"""Models of the regulator's workspace: random inspections (双随机、一公开, R11) and the review of
declared ties to government departments (红顶中介, R8).

Imported by ``credit.models`` (one explicit import line) so they live in the ``credit`` app.
Writes go through ``credit.services.inspections`` and ``credit.services.ties``.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.catalogue import Product
from core.models import Region, TimeStampedModel
from core.transitions import StateMachine, Transition


class Inspector(TimeStampedModel):
    """A law-enforcement inspector of the pool the second random draw picks from."""

    code = models.CharField(_("inspector code"), max_length=32, unique=True,
                            help_text=_("Public identifier; candidates are sorted by it."))
    name = models.CharField(_("name"), max_length=64)
    department = models.CharField(_("department"), max_length=200)
    active = models.BooleanField(_("in the pool"), default=True)

    class Meta:
        app_label = "credit"
        ordering = ["code"]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")

    def __str__(self) -> str:
        return f"{self.name}（{self.department}）"


class Inspection(TimeStampedModel):
    """One random inspection: N agencies from a filtered pool × M inspectors, verifiable like
    the random draw (commitment published first, seed revealed at the draw)."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("Announced (seed committed)")
        DRAWN = "drawn", _("Drawn, inspecting")
        PUBLISHED = "published", _("Results published")

    class Source(models.TextChoices):
        INDUSTRY_DEPARTMENT = "industry_department", _("Industry department")
        OPERATOR = "operator", _("Platform operator / regulator")

    transitions = StateMachine("status", [
        Transition("draw", [Status.COMMITTED], Status.DRAWN, "inspection.drawn",
                   _("Inspection drawn"), message=_("This inspection has been drawn already.")),
        Transition("publish", [Status.DRAWN], Status.PUBLISHED, "inspection.published",
                   _("Inspection published"),
                   message=_("Only a drawn inspection can be published.")),
    ])

    title = models.CharField(_("title"), max_length=200)
    item = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("service item"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("region"))
    grade = models.CharField(_("credit grade"), max_length=2, blank=True)
    agency_count = models.PositiveSmallIntegerField(_("agencies to draw"))
    inspector_count = models.PositiveSmallIntegerField(_("inspectors to draw"))
    source = models.CharField(_("findings recorded as"), max_length=24, choices=Source.choices,
                              default=Source.INDUSTRY_DEPARTMENT)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.COMMITTED, db_index=True)
    commitment = models.CharField(_("seed commitment (sha256)"), max_length=64)
    seed = models.CharField(_("seed"), max_length=128, blank=True,
                            help_text=_("Secret until the draw, then published."))
    computation = models.JSONField(_("computation"), default=dict, blank=True)
    inspectors = models.ManyToManyField(Inspector, blank=True, related_name="inspections",
                                        verbose_name=_("inspectors drawn"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("announced by"))
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        app_label = "credit"
        ordering = ["-created"]
        verbose_name = _("random inspection")
        verbose_name_plural = _("random inspections")

    def __str__(self) -> str:
        return self.title


class InspectionFinding(TimeStampedModel):
    """The result of inspecting one drawn agency; a pass or fail becomes a credit event."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Not inspected yet")
        PASS = "pass", _("Passed")
        FAIL = "fail", _("Failed")

    transitions = StateMachine("result", [
        Transition("pass", [Result.PENDING], Result.PASS, "inspection.finding_recorded",
                   _("Inspection finding recorded"),
                   message=_("The finding for this agency has been recorded already.")),
        Transition("fail", [Result.PENDING], Result.FAIL, "inspection.finding_recorded",
                   _("Inspection finding recorded"),
                   message=_("The finding for this agency has been recorded already.")),
    ])

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT,
                                   related_name="findings", verbose_name=_("inspection"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT,
                               related_name="inspection_findings", verbose_name=_("agency"))
    rank = models.PositiveSmallIntegerField(_("draw order"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices,
                              default=Result.PENDING, db_index=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True,
                                 blank=True)
    note = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    credit_event = models.ForeignKey("credit.CreditEvent", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("credit event"))

    class Meta:
        app_label = "credit"
        ordering = ["inspection", "rank"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        constraints = [models.UniqueConstraint(fields=["inspection", "agency"],
                                               name="uniq_finding_inspection_agency")]


class TieReview(TimeStampedModel):
    """A regulator's review of an agency's declared tie to a government department (R8)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tie_reviews",
                               verbose_name=_("agency"))
    department = models.CharField(_("department tied to (as declared)"), max_length=200)
    note = models.TextField(_("review note"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reviewed by"))

    class Meta:
        app_label = "credit"
        ordering = ["-created"]
        verbose_name = _("tie review")
        verbose_name_plural = _("tie reviews")
