"""The regulator-kept expert pool (专家库) and the evaluation panels drawn from it for
comprehensive evaluation (docs/design.md §3, "Comprehensive evaluation by a drawn panel").

An expert is a person: it signs in through its own organisation of kind ``expert`` (every user
belongs to exactly one organisation); its employer is recorded here by name and unified social
credit code, so an expert employed by an agency or a purchaser never acts for them on the
platform and is still excluded from their projects. Writes go through
``bidding/services/panels.py``.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidding.models.projects import Project, SignUp
from core.catalogue import Category, Product
from core.models import Organisation, Region, TimeStampedModel
from core.transitions import StateMachine, Transition


class Expert(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    transitions = StateMachine("status", [
        Transition("suspend", [Status.ACTIVE], Status.SUSPENDED, "expert.suspended",
                   _("Expert suspended"), message=_("This expert is already suspended.")),
        Transition("reinstate", [Status.SUSPENDED], Status.ACTIVE, "expert.reinstated",
                   _("Expert reinstated"), message=_("This expert is active.")),
    ])

    code = models.CharField(_("expert code"), max_length=16, unique=True,
                            help_text=_("Stable public code the panel draw is computed over."))
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT,
                                        related_name="expert", verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=64)
    title = models.CharField(_("professional title"), max_length=64, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="experts", verbose_name=_("region"))
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer_uscc = models.CharField(_("employer's unified social credit code"), max_length=18,
                                     blank=True, db_index=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="+",
                                        verbose_name=_("specialties (categories)"))
    items = models.ManyToManyField(Product, blank=True, related_name="+",
                                   verbose_name=_("specialties (service items)"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ExpertTie(models.Model):
    """A tie the expert declared to an organisation (former employer, shareholding, a relative
    working there…): the expert is never drawn for a project of that purchaser or bidder."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="ties",
                               verbose_name=_("expert"))
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("organisation"), max_length=200)
    note = models.CharField(_("nature of the tie"), max_length=300)

    class Meta:
        verbose_name = _("declared tie")
        verbose_name_plural = _("declared ties")
        constraints = [models.UniqueConstraint(fields=["expert", "uscc"],
                                               name="uniq_expert_tie_uscc")]

    def __str__(self) -> str:
        return f"{self.expert} ~ {self.name}"


class Panel(TimeStampedModel):
    """The panel of a comprehensive-evaluation project, drawn by the platform when sign-up
    closes. ``draw`` keeps the published draw data: the seed's commitment, the eligible codes,
    every round of the draw and the exclusions (counted by reason; the reasons per expert are
    shown to regulators)."""

    class Status(models.TextChoices):
        SHORT = "short", _("Too few eligible experts")
        SCORING = "scoring", _("Experts scoring")
        COMPLETE = "complete", _("All scores submitted")

    transitions = StateMachine("status", [
        Transition("seat", [Status.SHORT], Status.SCORING, "panel.drawn", _("Expert panel drawn"),
                   message=_("The panel has already been drawn.")),
        Transition("complete", [Status.SCORING], Status.COMPLETE, "panel.completed",
                   _("All experts submitted their scores"),
                   message=_("The panel is not scoring.")),
    ])

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="panel",
                                   verbose_name=_("project"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              db_index=True)
    size = models.PositiveSmallIntegerField(_("panel size"))
    commitment = models.CharField(_("seed commitment"), max_length=64)
    seed = models.CharField(_("seed"), max_length=128)
    draw = models.JSONField(_("draw data"), default=dict, blank=True)
    deadline = models.DateTimeField(_("scoring deadline"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")

    def __str__(self) -> str:
        return f"{self.project} · {self.get_status_display()}"


class PanelSeat(TimeStampedModel):
    """An expert's place on a panel. Scores are drafts until submitted; a submitted seat's
    scores never change. A seat still open after the deadline may be replaced by a regulator
    with the next expert in the draw order."""

    class Status(models.TextChoices):
        SEATED = "seated", _("Scoring")
        SUBMITTED = "submitted", _("Submitted")
        REPLACED = "replaced", _("Replaced (missed the deadline)")

    transitions = StateMachine("status", [
        Transition("submit", [Status.SEATED], Status.SUBMITTED, "panel.scores_submitted",
                   _("Expert scores submitted"),
                   message=_("Your scores are submitted and can no longer be changed.")),
        Transition("replace", [Status.SEATED], Status.REPLACED, "panel.seat_replaced",
                   _("Expert replaced on a panel"),
                   message=_("Only an expert who has not submitted can be replaced.")),
    ])

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="seats",
                              verbose_name=_("panel"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="seats",
                               verbose_name=_("expert"))
    rank = models.PositiveSmallIntegerField(_("draw round"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.SEATED, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["panel", "rank"]
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        constraints = [models.UniqueConstraint(fields=["panel", "expert"],
                                               name="uniq_panel_seat_expert")]


class ExpertScore(TimeStampedModel):
    """One expert's quality score of one bidder (0 to the project's quality weight)."""

    seat = models.ForeignKey(PanelSeat, on_delete=models.CASCADE, related_name="scores",
                             verbose_name=_("panel seat"))
    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="expert_scores",
                               verbose_name=_("bidder"))
    quality_score = models.DecimalField(_("quality score"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("expert score")
        verbose_name_plural = _("expert scores")
        constraints = [models.UniqueConstraint(fields=["seat", "signup"],
                                               name="uniq_expert_score_seat_signup")]
