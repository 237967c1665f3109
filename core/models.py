"""The core: parties (organisations of four kinds and their members), regions, the audit trail."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class Region(models.Model):
    """An administrative division of GB/T 2260 at any level: province, prefecture-level city,
    county (``core/regions.py`` loads them from python-stdnum's data, past divisions included,
    with the years they were in use). Shown and used to filter listings and to route a
    regulator's work; never used to exclude anyone from joining or bidding (R1, R3).

    The code says where a region sits: ``42…`` is in 湖北省, ``4201…`` in 武汉市. Counties of the
    four municipalities and counties directly under a province hang under the province."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices,
                             default=Level.PROVINCE, db_index=True)
    valid_from = models.PositiveSmallIntegerField(
        _("in use from (year)"), null=True, blank=True,
        help_text=_("Blank: since before the first edition of the data."))
    valid_until = models.PositiveSmallIntegerField(
        _("abolished in (year)"), null=True, blank=True,
        help_text=_("Blank: still in use. Set: the division was abolished or merged."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["parent", "valid_until", "code"],
                                name="region_children_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.valid_until is not None

    @property
    def prefix(self) -> str:
        """The leading digits every code under this region shares (``42``, ``4201``, the whole
        code of a county)."""
        return {self.Level.PROVINCE: self.code[:2], self.Level.CITY: self.code[:4]}.get(
            self.level, self.code)

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of the province and city above this region (a code may name no row: the
        municipalities' 市辖区 groupings are not regions)."""
        if self.level == self.Level.PROVINCE:
            return []
        if self.level == self.Level.CITY:
            return [self.code[:2] + "0000"]
        return [self.code[:2] + "0000", self.code[:4] + "00"]


class Organisation(TimeStampedModel):
    """A party on the platform. Every user belongs to exactly one (through ``Member``)."""

    class Kind(models.TextChoices):
        PURCHASER = "purchaser", _("Purchaser (enterprise)")
        AGENCY = "agency", _("Intermediary agency")
        APPROVAL = "approval", _("Approval department")
        REGULATOR = "regulator", _("Regulator")
        # One organisation per individual evaluation expert (bidding.models.experts): the expert
        # signs in through it; the employer is recorded on the expert, never as a membership.
        EXPERT = "expert", _("Evaluation expert")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True,
                            db_index=True)
    is_government = models.BooleanField(
        _("government department"), default=False,
        help_text=_("A department posting for technical services it commissions (R6)."))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="organisations", verbose_name=_("region"))
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "uscc"], condition=~models.Q(uscc=""),
                name="uniq_organisation_kind_uscc"),
        ]

    def __str__(self) -> str:
        return self.name


class Member(TimeStampedModel):
    """A user's place in an organisation. One user, one organisation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="member", verbose_name=_("user"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="members", verbose_name=_("organisation"))
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class AuditHead(models.Model):
    """The tip of one stream of the hash chain (pk = stream number, 1..``core.audit.STREAMS``):
    its length, its newest event's hash and global sequence number. A transaction that audits
    locks the head of one stream only, so writers on other streams do not wait for it."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)
    last_seq = models.BigIntegerField(default=0)


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every state change (R12).

    ``hash = sha256(prev_hash + canonical payload)``; ``prev_hash`` is the previous event of the
    same ``stream`` and the payload includes the row's position (``seq``, ``stream``,
    ``stream_seq``), so a row altered, inserted or deleted breaks its stream's chain (see
    ``core.audit``). ``seq`` orders the whole trail (it may have gaps); ``stream_seq`` numbers a
    stream's events 1..n without gaps.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    stream = models.PositiveSmallIntegerField(_("stream"), default=1)
    stream_seq = models.BigIntegerField(_("sequence in the stream"))
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="audit_events",
                              verbose_name=_("actor"))
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        constraints = [models.UniqueConstraint(fields=["stream", "stream_seq"],
                                               name="uniq_audit_stream_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class PublishedHead(models.Model):
    """The heads of the audit chain's streams as they stood on a day (``manage.py
    audit_publish_head``, run daily by ``run_periodic``), shown on the public page ``/audit/``
    and in ``/audit/heads.json`` so anyone can keep a copy. ``streams`` is ``{stream: [count,
    hash]}`` of every non-empty stream, ``hash`` the root hash over them and ``seq`` the number
    of events (rows published before streams existed have no ``streams``: their ``(seq, hash)``
    is the head of stream 1). ``audit_verify`` checks that each published head is still on its
    stream: a history rewritten after publication (every hash recomputed) no longer has it."""

    date = models.DateField(_("date"), unique=True)
    seq = models.BigIntegerField(_("sequence"))
    hash = models.CharField(_("hash"), max_length=64)
    streams = models.JSONField(_("stream heads"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-date"]
        verbose_name = _("published chain head")
        verbose_name_plural = _("published chain heads")

    def __str__(self) -> str:
        return f"{self.date} #{self.seq} {self.hash}"


class HolidaySchedule(models.Model):
    """The State Council's holiday schedule (放假安排) for one year, imported by a regulator for a
    year chinese-calendar does not know yet (R13, docs/design.md "Working days"). Its days list
    every holiday and every make-up working day (调休) of the notice; any other day is a working
    day from Monday to Friday. Written only by ``core/services/calendar.py``.

    ``document`` and ``published_on`` are blank only on schedules carried over from the
    per-day calendar that preceded this model (migration 0004)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    document = models.CharField(_("document number"), max_length=200, blank=True,
                                help_text=_("e.g. 国办发明电〔2027〕1号"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")

    def __str__(self) -> str:
        return f"{self.year} {self.document}".strip()


class HolidayScheduleDay(models.Model):
    """One day of an imported schedule: a holiday, or a weekend day worked (调休)."""

    schedule = models.ForeignKey(HolidaySchedule, on_delete=models.CASCADE, related_name="days",
                                 verbose_name=_("holiday schedule"))
    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("make-up working day"), default=False)
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("scheduled day")
        verbose_name_plural = _("scheduled days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class ExternalIdentity(TimeStampedModel):
    """A person as the government-service portal knows them (issuer, subject), linked to the
    account they sign in as (docs/architecture.md, "Identity"). Written only by
    ``core/services/identity.py::identity_link``."""

    class Kind(models.TextChoices):
        LEGAL_PERSON = "legal_person", _("Legal person (enterprise login)")
        NATURAL_PERSON = "natural_person", _("Natural person")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="external_identities", verbose_name=_("user"))
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("portal identity")
        verbose_name_plural = _("portal identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"],
                                    name="uniq_external_identity_issuer_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject} → {self.user}"


class StatutoryQualification(models.Model):
    """A qualification (资质) a law or regulation requires of whoever performs a catalogue item,
    kept by the operators beside the item (R3, docs/design.md): what a posting for the item may
    ask for, picked from this list, never typed. A qualification a later decision abolished
    stays listed, marked with the abolishing document and date, so an old posting still reads,
    and can no longer be picked. Written only by ``core/services/qualifications.py``."""

    item = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE,
                             related_name="statutory_qualifications",
                             verbose_name=_("service item"))
    name = models.CharField(_("qualification"), max_length=200)
    grade = models.CharField(_("minimum grade"), max_length=32, blank=True,
                             help_text=_("Only where the law grades it and the item needs the "
                                         "grade; leave empty otherwise."))
    legal_basis = models.CharField(_("legal basis"), max_length=300,
                                   help_text=_("The law or regulation and article that "
                                               "require it, e.g. 《中华人民共和国测绘法》第二十七条."))
    authority = models.CharField(_("issuing authority"), max_length=200)
    abolished_by = models.CharField(
        _("abolished by"), max_length=300, blank=True,
        help_text=_("The decision that abolished it, e.g. 《国务院关于取消一批行政许可事项的决定》"
                    "（国发〔2017〕46号）; empty while it is in force."))
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)

    class Meta:
        ordering = ["item_id", "name", "grade"]
        verbose_name = _("statutory qualification")
        verbose_name_plural = _("statutory qualifications")
        constraints = [
            models.UniqueConstraint(fields=["item", "name", "grade"],
                                    name="uniq_statutory_qualification"),
            models.CheckConstraint(
                condition=(models.Q(abolished_by="", abolished_on__isnull=True)
                           | (~models.Q(abolished_by="") & models.Q(abolished_on__isnull=False))),
                name="statutory_qualification_abolished_with_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.grade}".strip()

    @property
    def abolished(self) -> bool:
        return bool(self.abolished_by)
