"""The tables of webhooks (docs/architecture.md, "Webhooks"):

- ``Endpoint``: an organisation's receiver, an HTTPS URL with the event types it wants and the
  secret its deliveries are signed with (shown once, on creation and on rotation).
- ``WebhookDelivery``: one event for one endpoint, unique per (endpoint, event key), so an
  event notified twice is delivered once. Moved ``pending`` → ``sent`` or ``failed`` by
  ``webhooks/services/sending.py::webhook_delivery_send``.
- ``WebhookAttempt``: every POST made for a delivery, with the answer's status code and time,
  or the error (the admin's history).
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Organisation

ALL_KINDS = "*"


class Endpoint(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="webhook_endpoints",
                                     verbose_name=_("organisation"))
    url = models.URLField(pgettext_lazy("webhook", "URL"), max_length=500)
    event_types = models.JSONField(
        _("event types"), default=list, blank=True,
        help_text=_('Notification kinds to receive, or "*" for every kind.'))
    secret = models.CharField(_("signing secret"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(pgettext_lazy("webhook", "active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return ALL_KINDS in self.event_types or kind in self.event_types


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("notification", "Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries",
                                 verbose_name=_("webhook endpoint"))
    key = models.CharField(_("event key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True,
                                                        blank=True)
    last_response_ms = models.PositiveIntegerField(_("last response time (ms)"), null=True,
                                                   blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "key"],
                                               name="uniq_webhook_delivery_endpoint_key")]
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                                name="webhook_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.endpoint_id}: {self.status}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE,
                                 related_name="attempt_log",
                                 verbose_name=_("webhook delivery"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
