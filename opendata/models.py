"""The OCDS releases the platform has published, one row per release (docs/architecture.md,
"Open data").

A release is written in the transaction of the change it reports (through the audit listener,
``core.audit.register_audit_listener``) and never changed afterwards: ``data`` is the whole
OCDS 1.1 release as published, ``ocid`` groups the releases of one contracting process (one
project), ``date`` is the release's date (the change's moment) and ``tags`` its release tags.
A record (all releases of an ocid, compiled) is built on demand from these rows."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    ocid = models.CharField(_("OCID"), max_length=100, db_index=True)
    release_id = models.CharField(_("release id"), max_length=160, unique=True)
    project = models.ForeignKey("bidding.Project", on_delete=models.PROTECT,
                                related_name="ocds_releases", verbose_name=_("project"))
    date = models.DateTimeField(_("release date"), db_index=True)
    tags = models.JSONField(_("release tags"), default=list)
    data = models.JSONField(_("release"))
    created = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["ocid", "date"], name="release_ocid_date_idx")]

    def __str__(self) -> str:
        return self.release_id
