"""The outbox's tables: the intent (one per event and recipient), its delivery on each channel,
and the inbox entry the "inbox" channel makes.

- ``Notification`` is the intent, written by ``notifications.outbox.notify`` inside the
  emitting service's transaction: who, which kind, the data to render it, the object's URL and
  the event's idempotency ``key``. Unique per (key, user): an event notified twice reaches each
  person once.
- ``Delivery`` is the intent on one channel (``inbox`` now; e-mail, SMS, webhooks later), unique
  per (notification, channel): the idempotency key a channel hands to its provider. The worker
  moves it from ``pending`` to ``sent`` (or ``failed`` after ``MAX_ATTEMPTS``) under its row lock.
- ``NotificationSettings`` and ``ChannelPreference`` are a person's choices: their mobile
  number and language, and which channel carries which kind (defaults when no row exists:
  ``notifications/preferences.py``).
- ``InboxItem`` is what the inbox channel delivers, one per notification (a unique one-to-one),
  created in the same transaction that marks its delivery sent: a worker killed half-way
  leaves either both or neither, and a second attempt finds the delivery sent.
"""
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import render


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_intents", verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(_("event key"), max_length=200)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["key", "user"],
                                               name="uniq_notification_key_user")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"

    def render(self, language: str | None = None) -> tuple[str, str]:
        """``(title, body)`` in ``language`` (default: the active one)."""
        return render(self.kind, self.data, language)


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("notification", "Failed")

    MAX_ATTEMPTS = 8

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="deliveries", verbose_name=_("notification"))
    channel = models.CharField(_("channel"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # When the retry step may try it (again): written with the row, then pushed back by
    # exponential backoff after each failed attempt (services/delivery.py::backoff_delay).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("notification", "delivery")
        verbose_name_plural = pgettext_lazy("notification", "deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"],
                                               name="uniq_delivery_notification_channel")]
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                                name="delivery_pending_due_idx")]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}: {self.status}"


class InboxItem(models.Model):
    notification = models.OneToOneField(Notification, on_delete=models.CASCADE,
                                        related_name="inbox_item",
                                        verbose_name=_("notification"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="inbox_items", verbose_name=_("recipient"))
    created = models.DateTimeField(_("delivered"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        indexes = [
            # the badge: one COUNT over this partial index per page
            models.Index(fields=["user"], condition=Q(read_at__isnull=True),
                         name="inbox_unread_idx"),
            models.Index(fields=["user", "-created"], name="inbox_user_created_idx"),
        ]

    def __str__(self) -> str:
        return f"inbox {self.user_id}: {self.notification_id}"


# A mainland mobile number: 11 digits, 1 then 3–9 (docs/architecture.md, "Notifications").
validate_mobile = RegexValidator(
    r"^1[3-9][0-9]{9}$",
    _("Enter a mainland China mobile number: 11 digits starting with 13 to 19."),
    code="mobile")


class NotificationSettings(models.Model):
    """One person's delivery settings; a person without a row has the defaults (no mobile
    number, the platform's language)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_settings",
                                verbose_name=_("user"))
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True,
                              validators=[validate_mobile],
                              help_text=_("For text messages (SMS) about urgent deadlines."))
    language = models.CharField(_("language of e-mails and text messages"), max_length=16,
                                choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"settings of {self.user_id}"


class ChannelPreference(models.Model):
    """A person's choice for one kind on one channel, where it differs from nothing stored
    (the default). ``kind`` ``"*"`` is the channel as a whole: off, it carries no kind."""

    ALL_KINDS = "*"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="channel_preferences", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=32)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"],
                                               name="uniq_channel_preference")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}: {self.enabled}"
