"""The commit–reveal random draw's rows (``bidding.draw``, docs/design.md §3): the platform's
commitment, made when the posting is published, and each agency's contribution, committed at
sign-up and revealed after sign-up closes."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidding.models.projects import Project, SignUp


class DrawCommitment(models.Model):
    """The platform's commitment for one random-draw project. The secret is derived
    (``bidding.draw.platform_secret`` from ``settings.DRAW_SECRET_KEY``, the project and
    ``salt``) and written to ``secret`` only when the draw reveals it."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="draw",
                                   verbose_name=_("project"))
    salt = models.CharField(max_length=64)
    commitment = models.CharField(_("platform commitment"), max_length=64)
    committed_at = models.DateTimeField(_("committed at"))
    reveal_ends_at = models.DateTimeField(_("reveals close"), null=True, blank=True)
    secret = models.CharField(_("platform secret"), max_length=64, blank=True)
    revealed_at = models.DateTimeField(_("revealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("draw commitment")
        verbose_name_plural = _("draw commitments")

    def __str__(self) -> str:
        return self.commitment


class DrawContribution(models.Model):
    """An agency's contribution to the draw seed: ``sha256(contribution)`` at sign-up, the
    contribution itself (64 hex characters) when revealed."""

    signup = models.OneToOneField(SignUp, on_delete=models.CASCADE,
                                  related_name="draw_contribution", verbose_name=_("sign-up"))
    commitment = models.CharField(_("commitment"), max_length=64)
    committed_at = models.DateTimeField(_("committed at"))
    reveal = models.CharField(_("revealed contribution"), max_length=64, blank=True)
    revealed_at = models.DateTimeField(_("revealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("draw contribution")
        verbose_name_plural = _("draw contributions")

    def __str__(self) -> str:
        return self.commitment
