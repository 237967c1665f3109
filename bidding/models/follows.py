"""关注: an agency follows a posting it has not (yet) signed up for, to be reminded before
sign-up closes (``bidding/services/reminders.py``; docs/architecture.md, "Notifications").
Private to the agency: nobody else is shown who follows a posting (R4). Written by
``bidding/services/follows.py``."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from bidding.models.projects import Project


class ProjectFollow(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="follows",
                               verbose_name=_("agency"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="follows",
                                verbose_name=_("project"))
    created = models.DateTimeField(_("followed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("followed project")
        verbose_name_plural = _("followed projects")
        constraints = [models.UniqueConstraint(fields=["agency", "project"],
                                               name="uniq_project_follow")]

    def __str__(self) -> str:
        return f"{self.agency} → {self.project}"
