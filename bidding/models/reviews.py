"""Posting reviews (R3, R4: "除法律法规有特别规定外"): a purchaser whose posting was refused for a
flagged requirement — a designation phrase, or a qualification off the item's catalogue list —
sends it, with the law and article it relies on, to a regulator, who approves or refuses with a
public reason. An approval lets exactly the recorded phrases through, while the fields they
stand in read as they did when the review was asked for (``snapshot``); any change to those
fields voids it. Applied by ``bidding/services/reviews.py`` and
``bidding/services/postings.py::project_publish``."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from bidding.models.projects import Project
from core.models import TimeStampedModel
from core.transitions import StateMachine, Transition


class PostingReview(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Under review")
        APPROVED = "approved", _("Approved by the regulator")
        REFUSED = "refused", _("Refused by the regulator")
        VOIDED = "voided", _("Void (the posting was changed)")

    transitions = StateMachine("status", [
        Transition("approve", [Status.PENDING], Status.APPROVED, "posting_review.approved",
                   _("Posting review approved"),
                   message=_("This review has been decided already.")),
        Transition("refuse", [Status.PENDING], Status.REFUSED, "posting_review.refused",
                   _("Posting review refused"),
                   message=_("This review has been decided already.")),
        Transition("void", [Status.PENDING, Status.APPROVED], Status.VOIDED,
                   "posting_review.voided", _("Posting review void"),
                   message=_("This review is no longer in force.")),
    ])

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("project"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="posting_reviews_requested",
                                     verbose_name=_("requested by"))
    legal_basis = models.CharField(
        _("law and article relied on"), max_length=300,
        help_text=_("The law or regulation and the article that require the flagged "
                    "requirement, e.g. 《中华人民共和国测绘法》第二十七条."))
    explanation = models.TextField(_("explanation"), blank=True)
    flagged = models.JSONField(
        _("flagged requirements"), default=list,
        help_text=_("[{field, phrase, rule, category, message}] as the check found them."))
    snapshot = models.JSONField(
        _("reviewed text"), default=dict,
        help_text=_("{field: text} of every field holding a flagged phrase, as reviewed."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT,
                                   related_name="posting_reviews_decided",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("public reason"), blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("posting review")
        verbose_name_plural = _("posting reviews")
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=models.Q(status="pending"),
                                    name="uniq_pending_posting_review"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.get_status_display()}"

    @property
    def phrases(self) -> list[str]:
        return list(dict.fromkeys(item["phrase"] for item in self.flagged))

    @property
    def statement(self) -> str:
        """The sentence the posting page and the project API show with the decision."""
        phrases = pgettext("list separator", ", ").join(
            pgettext("quoted phrase", "“%s”") % phrase for phrase in self.phrases)
        values = {"phrases": phrases, "basis": self.legal_basis,
                  "reason": self.decision_reason}
        if self.status == self.Status.APPROVED:
            return gettext("Approved by the regulator: %(phrases)s, relying on %(basis)s. "
                           "Reason: %(reason)s") % values
        if self.status == self.Status.REFUSED:
            return gettext("Refused by the regulator: %(phrases)s may not be asked for, "
                           "although %(basis)s was cited. Reason: %(reason)s") % values
        if self.status == self.Status.PENDING:
            return gettext("Under the regulator's review: %(phrases)s, relying on "
                           "%(basis)s.") % values
        return gettext("Review void: the posting was changed after it was reviewed.")
