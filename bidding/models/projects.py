"""Projects (采购公告), their qualifications, documents and avoidances, sign-ups (报名), bids and
evaluation scores (docs/design.md §3). The life cycles of a project and of a sign-up are
declared here (``transitions``) and applied by the services with ``core.transitions.transition``.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, Practitioner
from core.catalogue import Product
from core.dates import validate_not_too_far_ahead
from core.models import Organisation, Region, StatutoryQualification, TimeStampedModel
from core.transitions import StateMachine, Transition

MAX_SERVICE_DAYS = 1000
"""The longest service time limit a posting may ask for, in working days (about four years).
Unbounded, a delivery deadline was counted day by day until the working-day calendar gave up
("no working days found in ten years") and the public award page answered 500."""


class Project(TimeStampedModel):
    class Method(models.TextChoices):
        LIVE_BIDDING = "live_bidding", _("Live bidding")
        RANDOM_DRAW = "random_draw", _("Random draw")
        AVERAGE_PRICE = "average_price", _("Average-price comparison")
        DIRECT = "direct", _("Direct selection")
        COMPREHENSIVE = "comprehensive", _("Comprehensive evaluation")

    COMPETITIVE_METHODS = (Method.LIVE_BIDDING, Method.RANDOM_DRAW, Method.AVERAGE_PRICE,
                           Method.COMPREHENSIVE)

    class QuoteMode(models.TextChoices):
        AMOUNT = "amount", _("Amount (lowest wins)")
        DISCOUNT = "discount", _("Discount rate (highest wins)")

    class Funding(models.TextChoices):
        FISCAL = "fiscal", _("Fiscal funds")
        SOCIAL = "social", _("Enterprise / social funds")
        MIXED = "mixed", _("Mixed")

    class QualificationMode(models.TextChoices):
        ALL = "all", _("All of the listed qualifications")
        ANY = "any", _("Any one of the listed qualifications")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Sign-up open")
        SELECTING = "selecting", _("Selection in progress")
        AWARDED = "awarded", _("Awarded")
        CLOSED = "closed", pgettext_lazy("project status", "Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        FAILED = "failed", _("Failed (流标)")

    # The life cycle (docs/design.md §3). Awarding and the failure after an
    # award (no runner-up left) are applied by bidding.services.awards.
    transitions = StateMachine("status", [
        Transition("publish", [Status.DRAFT], Status.PUBLISHED, "project.published",
                   _("Project published"), message=_("Only a draft can be published.")),
        Transition("withdraw", [Status.DRAFT, Status.PUBLISHED, Status.SELECTING],
                   Status.WITHDRAWN, "project.withdrawn", _("Project withdrawn"),
                   message=_("The selection has started or is over; the posting can no longer "
                             "be withdrawn.")),
        Transition("close_signups", [Status.PUBLISHED], Status.SELECTING,
                   "project.signups_closed", _("Sign-up closed"),
                   message=_("Sign-up is not open for this project.")),
        Transition("fail", [Status.PUBLISHED, Status.AWARDED], Status.FAILED, "project.failed",
                   _("Project failed"), message=_("The project cannot fail in its state.")),
        # Recorded by the ``direct.picked`` event the service writes with the pick.
        Transition("start_direct", [Status.PUBLISHED], Status.SELECTING, "direct.picked",
                   _("Agency picked directly"),
                   message=_("The project is not awaiting selection.")),
        Transition("fail_auction", [Status.SELECTING], Status.FAILED, "auction.failed",
                   _("Auction failed"), message=_("Bidding is not open for this project.")),
        # Recorded by the ``award.made`` event of the award (bidding.services.awards).
        Transition("award", [Status.SELECTING], Status.AWARDED, "award.made", _("Award made"),
                   message=_("The project is not awaiting selection.")),
    ])

    purchaser = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="projects", verbose_name=_("purchaser"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="projects_created", verbose_name=_("created by"))
    item = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("service item"))
    title = models.CharField(_("project name"), max_length=200)
    investment_code = models.CharField(_("investment-project code"), max_length=64, blank=True,
                                       db_index=True)
    approval_case_no = models.CharField(_("approval case number"), max_length=64, blank=True,
                                        db_index=True)
    approval_department = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="approval_projects", verbose_name=_("approval department"),
        limit_choices_to={"kind": Organisation.Kind.APPROVAL})
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="projects", verbose_name=_("project location"))
    scale = models.CharField(_("project scale"), max_length=200, blank=True)
    content = models.TextField(_("service content"))
    funding = models.CharField(_("funding source"), max_length=16, choices=Funding.choices,
                               default=Funding.SOCIAL)
    fiscal_share = models.DecimalField(_("fiscal share (%)"), max_digits=5, decimal_places=2,
                                       default=Decimal("0"),
                                       validators=[MinValueValidator(Decimal("0")),
                                                   MaxValueValidator(Decimal("100"))])
    budget_line = models.CharField(_("budget line"), max_length=200, blank=True)
    service_days = models.PositiveIntegerField(_("service time limit (working days)"),
                                               validators=[MaxValueValidator(MAX_SERVICE_DAYS)])
    qualification_mode = models.CharField(_("qualification rule"), max_length=8,
                                          choices=QualificationMode.choices,
                                          default=QualificationMode.ALL)
    practitioner_count = models.PositiveSmallIntegerField(_("practitioners required"), default=0)
    other_requirements = models.TextField(_("other requirements"), blank=True)

    method = models.CharField(_("selection method"), max_length=16, choices=Method.choices)
    quote_mode = models.CharField(_("quoting mode"), max_length=8, choices=QuoteMode.choices,
                                  default=QuoteMode.AMOUNT)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2,
                                 null=True, blank=True)
    ceiling = models.DecimalField(_("ceiling"), max_digits=14, decimal_places=2, null=True,
                                  blank=True)
    floor = models.DecimalField(_("floor"), max_digits=14, decimal_places=2, null=True,
                                blank=True)
    step = models.DecimalField(_("minimum step"), max_digits=14, decimal_places=2, null=True,
                               blank=True)
    price_weight = models.PositiveSmallIntegerField(_("price weight (%)"), default=30)
    quality_weight = models.PositiveSmallIntegerField(_("quality weight (%)"), default=70)

    # At most core.dates.FUTURE_YEARS ahead: a year-9999 deadline published, and counting
    # working days up to it cost seconds of CPU.
    signup_deadline = models.DateTimeField(_("sign-up deadline"), null=True, blank=True,
                                           validators=[validate_not_too_far_ahead])
    selection_at = models.DateTimeField(_("selection time"), null=True, blank=True,
                                        validators=[validate_not_too_far_ahead])
    auction_minutes = models.PositiveSmallIntegerField(_("bidding window (minutes)"), default=30)
    auction_ends_at = models.DateTimeField(_("bidding ends"), null=True, blank=True,
                                           db_index=True)
    auction_extensions = models.PositiveSmallIntegerField(
        _("extensions"), default=0,
        help_text=_("How many late bids extended the live bidding (anti-sniping)."))
    enquiry_phone = models.CharField(_("enquiry phone"), max_length=32)
    complaint_phone = models.CharField(_("complaint phone"), max_length=32)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    status_reason = models.TextField(_("public reason"), blank=True,
                                     help_text=_("Why the project was withdrawn or failed."))

    # Live bidding: the per-auction sequence counter and the current best bid.
    last_seq = models.PositiveIntegerField(default=0)
    best_bid = models.ForeignKey("Bid", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    # Random draw: commitment (sha256 of the seed) published when sign-up closes, seed at draw.
    draw_commitment = models.CharField(max_length=64, blank=True)
    draw_seed = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["status", "method"], name="project_status_method_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bidding:project-detail", args=[self.pk])

    def withdrawable(self, now) -> bool:
        """May the posting still be withdrawn at ``now``? Before the selection starts: a draft,
        a posting open for sign-up, or one awaiting a selection time still ahead and not yet
        awarded (the one rule behind the service and the page's button)."""
        return self.status in (self.Status.DRAFT, self.Status.PUBLISHED) or (
            self.status == self.Status.SELECTING and self.selection_at is not None
            and now < self.selection_at and not self.awards.all())

    def signups_confidential(self, now) -> bool:
        """Are the sign-ups (their number and names) still confidential at ``now``? While sign-up
        is open, and for a posting withdrawn before its sign-up deadline until that deadline:
        whoever knows who signed up can rig the bids (docs/design.md, R4). Regulators see them
        anyway (``bidding.see_signups``)."""
        if self.status in (self.Status.DRAFT, self.Status.PUBLISHED):
            return True
        return (self.status == self.Status.WITHDRAWN and self.signup_deadline is not None
                and now < self.signup_deadline)

    def signup_open(self, now) -> bool:
        return (self.status == self.Status.PUBLISHED and self.signup_deadline is not None
                and self.signup_deadline > now)

    @property
    def is_department_funded(self) -> bool:
        return self.purchaser.is_government and self.funding != self.Funding.SOCIAL

    def price_for(self, quote) -> Decimal:
        """The contract price a quote means: the amount itself, or for a discount rate (下浮率,
        %) the posted amount (else the ceiling) reduced by it. The one rule every selection
        method, the runner-up and a lone bidder use."""
        quote = Decimal(quote)
        if self.quote_mode == self.QuoteMode.DISCOUNT:
            base = self.amount or self.ceiling or Decimal("0")
            return (base * (Decimal("100") - quote) / Decimal("100")).quantize(Decimal("0.01"))
        return quote.quantize(Decimal("0.01"))


class ProjectQualification(models.Model):
    """A legally required qualification (法定资质) picked from the item's list in the catalogue
    (``entry``; name, grade and legal basis are copied from it so the posting reads the same
    after the catalogue changes). Rows of older postings have no entry and keep what was typed;
    a row off the item's list needs the regulator's review (R3, ``bidding/rules.py``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="qualifications", verbose_name=_("project"))
    entry = models.ForeignKey(StatutoryQualification, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="project_rows",
                              verbose_name=_("catalogue qualification"))
    name = models.CharField(_("qualification"), max_length=200)
    grade = models.CharField(_("minimum grade"), max_length=32, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)

    class Meta:
        verbose_name = _("required qualification")
        verbose_name_plural = _("required qualifications")

    def __str__(self) -> str:
        return f"{self.name} {self.grade}".strip()


class ProjectDocument(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents",
                                verbose_name=_("project"))
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to="projects/%Y/%m/")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name


class Avoidance(models.Model):
    """An agency to be avoided (回避单位) for this project, with the reason."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="avoidances",
                                verbose_name=_("project"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="avoided_in",
                               verbose_name=_("agency"))
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("avoided agency")
        verbose_name_plural = _("avoided agencies")
        constraints = [models.UniqueConstraint(fields=["project", "agency"],
                                               name="uniq_avoidance_project_agency")]


class SignUp(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Signed up")
        CANCELLED = "cancelled", pgettext_lazy("sign-up status", "Cancelled")

    # A new sign-up is created ACTIVE (audited as ``signup.created`` by the service); a
    # cancelled one signs up again by ``renew``.
    transitions = StateMachine("status", [
        Transition("cancel", [Status.ACTIVE], Status.CANCELLED, "signup.cancelled",
                   _("Sign-up cancelled"), message=_("This sign-up is not active.")),
        Transition("renew", [Status.CANCELLED], Status.ACTIVE, "signup.created",
                   _("Signed up"),
                   message=_("Your agency has already signed up for this project.")),
    ])

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signups",
                                verbose_name=_("project"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="signups",
                               verbose_name=_("agency"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    practitioners = models.ManyToManyField(Practitioner, blank=True, related_name="signups",
                                           verbose_name=_("practitioners"))
    label = models.CharField(_("bidder label"), max_length=8, blank=True,
                             help_text=_("竞价人A, B… during the auction; names shown after."))
    quote = models.DecimalField(_("sealed quote"), max_digits=14, decimal_places=2, null=True,
                                blank=True)
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    quality_score = models.DecimalField(_("quality score"), max_digits=6, decimal_places=2,
                                        null=True, blank=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [models.UniqueConstraint(fields=["project", "agency"],
                                               name="uniq_signup_project_agency")]

    def __str__(self) -> str:
        return f"{self.agency} → {self.project}"


class Bid(models.Model):
    """Append-only bid log of a live auction. ``seq`` is per project, gap-free, written in the
    same transaction as the bid (docs/design.md §3)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="bids",
                                verbose_name=_("project"))
    signup = models.ForeignKey(SignUp, on_delete=models.PROTECT, related_name="bids",
                               verbose_name=_("bidder"))
    seq = models.PositiveIntegerField(_("sequence"))
    value = models.DecimalField(_("quote"), max_digits=14, decimal_places=2)
    placed_at = models.DateTimeField(_("placed at"))

    class Meta:
        ordering = ["project", "seq"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [models.UniqueConstraint(fields=["project", "seq"],
                                               name="uniq_bid_project_seq")]


class EvaluationScore(TimeStampedModel):
    """Comprehensive evaluation: a named evaluator's scores of one sign-up."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="scores",
                               verbose_name=_("sign-up"))
    evaluator = models.CharField(_("evaluator"), max_length=64)
    price_score = models.DecimalField(_("price score"), max_digits=6, decimal_places=2)
    quality_score = models.DecimalField(_("quality score"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [models.UniqueConstraint(fields=["signup", "evaluator"],
                                               name="uniq_score_signup_evaluator")]
