"""The zero-threshold agency registry (R1, R2, R3, R8).

An agency is an ``Organisation`` of kind agency, an Oscar ``Partner`` (its shelf), and this
profile. Its offers are Oscar stock records (reference fee = price) with ``OfferTerms`` beside
them for the service commitment. Credit fields are denormalised here so the directory can sort
by them; they are written only by ``credit.services.ledger``.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.models import Partner, StockRecord

from core.models import Organisation, Region, TimeStampedModel
from core.text import mask


class Agency(TimeStampedModel):
    class Nature(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
        INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")

    class Standing(models.TextChoices):
        GOOD = "good", _("Good standing")
        WARNED = "warned", _("Warned")
        SUSPENDED = "suspended", _("Suspended")
        EXPELLED = "expelled", _("Expelled")

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT,
                                        related_name="agency", verbose_name=_("organisation"))
    partner = models.OneToOneField(Partner, on_delete=models.PROTECT, related_name="agency",
                                   verbose_name=_("Oscar partner"))
    name = models.CharField(_("name"), max_length=200, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    nature = models.CharField(_("nature"), max_length=32, choices=Nature.choices)
    legal_representative = models.CharField(_("legal representative"), max_length=64)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"), max_digits=14, decimal_places=2,
        null=True, blank=True)
    address = models.CharField(_("address"), max_length=255)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="agencies",
                               verbose_name=_("region"),
                               help_text=_("Shown to users; never used to exclude anyone."))
    service_regions = models.ManyToManyField(Region, blank=True, related_name="served_by",
                                             verbose_name=_("regions served"))
    # Derived from ``service_regions`` (kept by ``agencies.signals``) so the directory's region
    # filter is an index lookup instead of an anti-join over every served region.
    serves_everywhere = models.BooleanField(
        _("serves every region"), default=True, db_default=True, editable=False,
        help_text=_("No region served is listed: the agency serves everywhere."))
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("introduction"), blank=True)

    gov_tie_declared = models.BooleanField(
        _("tied to a government department"), default=False,
        help_text=_("Declare any tie (ownership, staff, funding) to a government department."))
    gov_tie_department = models.CharField(_("department tied to"), max_length=200, blank=True)
    gov_tie_details = models.TextField(_("details of the tie"), blank=True)
    integrity_accepted_at = models.DateTimeField(_("integrity commitment accepted"))

    # Written only by credit.services.ledger (issue: ratings, credit and exit).
    credit_score = models.DecimalField(_("credit score"), max_digits=6, decimal_places=2,
                                       default=80)
    credit_stars = models.PositiveSmallIntegerField(_("credit stars"), default=3, db_index=True)
    credit_grade = models.CharField(_("credit grade"), max_length=2, default="B")
    rating_average = models.DecimalField(_("star average"), max_digits=3, decimal_places=2,
                                         null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    standing = models.CharField(_("standing"), max_length=16, choices=Standing.choices,
                                default=Standing.GOOD, db_index=True)
    # Derived from the agency's offers (kept by ``agencies.signals``) so the directory can sort
    # by fee without computing every agency's lowest fee on each request.
    lowest_fee = models.DecimalField(
        _("lowest reference fee"), max_digits=12, decimal_places=2, null=True, blank=True,
        editable=False, help_text=_("The lowest reference fee among the agency's offers."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [models.UniqueConstraint(fields=["uscc"], name="uniq_agency_uscc")]
        indexes = [
            # The directory's default order (R9), ending on the primary key, carrying the columns
            # the listing filters on (PostgreSQL): a page's ids are one walk of this index.
            models.Index(fields=["-credit_stars", "name", "id"], name="agency_rank_idx",
                         include=["standing", "region", "serves_everywhere", "partner"]),
            models.Index(fields=["-created"], name="agency_newest_idx"),
            models.Index(fields=["lowest_fee", "-credit_stars", "name", "id"],
                         name="agency_fee_idx"),
            # Headline counts (listed, five-star) read this index alone.
            models.Index(fields=["standing", "credit_stars"], name="agency_listed_stars_idx"),
            # Listed agencies (standings as selectors.LISTED_STANDINGS, in that order) by the
            # columns the listing filters on: counting a filtered listing reads an index alone.
            models.Index(fields=["partner"], name="agency_listed_partner_idx",
                         condition=models.Q(standing__in=["good", "warned"])),
            models.Index(fields=["region", "serves_everywhere", "id"],
                         name="agency_listed_region_idx",
                         condition=models.Q(standing__in=["good", "warned"])),
            # Credit-code prefix search (``LIKE '9142%'``); plain index on SQLite.
            models.Index(fields=["uscc"], opclasses=["varchar_pattern_ops"],
                         name="agency_uscc_prefix_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agencies:detail", args=[self.pk])


class OfferTerms(models.Model):
    """The agency's service commitment beside its Oscar stock record (reference fee = price)."""

    stockrecord = models.OneToOneField(StockRecord, on_delete=models.CASCADE,
                                       related_name="terms", verbose_name=_("offer"))
    commitment = models.TextField(_("service commitment"), blank=True)
    committed_days = models.PositiveIntegerField(_("committed working days"), null=True,
                                                 blank=True)

    class Meta:
        verbose_name = _("offer terms")
        verbose_name_plural = _("offer terms")


class Qualification(models.Model):
    """A qualification (资质) the agency holds. Optional for joining (R1); checked by projects
    only where a law requires it (R3)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="qualifications",
                               verbose_name=_("agency"))
    name = models.CharField(_("qualification"), max_length=200, db_index=True)
    grade = models.CharField(_("grade"), max_length=32, blank=True)
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self) -> str:
        return f"{self.name} {self.grade}".strip()

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day


class Practitioner(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="practitioners",
                               verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=64)
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    certificate = models.CharField(_("practising certificate"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")

    @property
    def public_name(self) -> str:
        """The name as a public notice shows it: the family name and stars (``孙*``)."""
        return mask(self.name, keep_start=1)

    @property
    def public_certificate(self) -> str:
        """The certificate number as a public notice shows it (``HP-0****1``)."""
        return mask(self.certificate, keep_start=4, keep_end=1)

    def __str__(self) -> str:
        return self.name


def paper_upload_to(instance: Paper, filename: str) -> str:
    """``papers/<agency>/<random>.<ext>``: the stored name says nothing about the paper and the
    extension comes from the content recognised, never from the client's name."""
    ext = Paper.EXTENSIONS.get(instance.content_type, "bin")
    return f"papers/{instance.agency_id}/{uuid.uuid4().hex}.{ext}"


class Paper(models.Model):
    """A registration paper an agency uploads (营业执照, 资质证书): evidence for regulators and
    purchasers, never a condition of joining (R1). Not public: only
    ``agencies/views/papers.py`` sends the file, after ``agencies.view_papers``. A withdrawn
    paper keeps its row (and the audit trail its hash); its file is deleted."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        QUALIFICATION = "qualification_certificate", _("Qualification certificate")
        OTHER = "other", _("Other paper")

    EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="papers",
                               verbose_name=_("agency"))
    kind = models.CharField(_("kind of paper"), max_length=32, choices=Kind.choices)
    qualification = models.ForeignKey(
        Qualification, on_delete=models.SET_NULL, null=True, blank=True, related_name="papers",
        verbose_name=_("qualification proved"))
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True,
                                  help_text=_("Empty only for a long-term business licence."))
    file = models.FileField(_("file"), upload_to=paper_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), db_index=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("registration paper")
        verbose_name_plural = _("registration papers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=False) | models.Q(kind="business_licence"),
                name="paper_expiry_unless_licence"),
            models.CheckConstraint(
                condition=models.Q(qualification__isnull=True)
                | models.Q(kind="qualification_certificate"),
                name="paper_qualification_only_on_certificate"),
        ]
        indexes = [models.Index(fields=["expires_on"], name="paper_expiry_idx",
                                condition=models.Q(withdrawn=False))]

    def __str__(self) -> str:
        return self.title

    def expiry_state(self, today) -> str:
        """``"valid"``, ``"expiring"`` (within ``PAPER_EXPIRY_WARNING_DAYS``) or ``"expired"``."""
        if self.expires_on is None:
            return "valid"
        if self.expires_on < today:
            return "expired"
        warning = settings.MARKETPLACE["PAPER_EXPIRY_WARNING_DAYS"]
        return "expiring" if (self.expires_on - today).days <= warning else "valid"


class Subscription(models.Model):
    """One line of an agency's invitation settings (采购邀请网上推送): a topic — a catalogue item,
    or a category covering its descendants — in one region covering what is under it, or
    everywhere (``region`` empty). A published posting on a matching item in a covered region
    invites the agency (``agencies/selectors/subscriptions.py::subscribers_for``). Information,
    never a condition: it widens who hears of a posting and narrows nothing (R1)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="subscriptions",
                               verbose_name=_("agency"))
    item = models.ForeignKey("catalogue.Product", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("service item"))
    category = models.ForeignKey("catalogue.Category", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("region"),
                               help_text=_("Empty: everywhere."))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(item__isnull=False, category__isnull=True)
                           | models.Q(item__isnull=True, category__isnull=False)),
                name="subscription_item_xor_category"),
            models.UniqueConstraint(fields=["agency", "item", "category", "region"],
                                    name="uniq_subscription", nulls_distinct=False),
        ]
        # ``subscribers_for`` reads the lines of a posting's item and categories through the
        # foreign-key indexes Django gives ``item`` and ``category``.

    def __str__(self) -> str:
        topic = self.item or self.category
        return f"{topic} · {self.region or _('everywhere')}"
