"""The admin of webhooks: endpoints, and deliveries with their attempts and a "Replay" action
(through ``webhooks/services/sending.py::webhook_delivery_replay``, audited)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import MarketplaceError
from webhooks.models import Endpoint, WebhookAttempt, WebhookDelivery
from webhooks.services.sending import webhook_delivery_replay


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    """Read-only: an organisation manages its endpoints through the API, whose services
    check the URL and the event types and audit each change."""

    list_display = ("url", "organisation", "active", "created")
    list_filter = ("active",)
    search_fields = ("url", "organisation__name")
    fields = ("organisation", "url", "event_types", "description", "active", "created")
    readonly_fields = fields  # the secret is shown once to the organisation, never here

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status_code", "response_ms", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "endpoint", "status", "attempts", "last_status_code",
                    "last_response_ms", "next_attempt_at", "created")
    list_filter = ("status", "kind")
    search_fields = ("key", "endpoint__url")
    readonly_fields = ("endpoint", "key", "kind", "payload", "status", "attempts",
                       "next_attempt_at", "last_status_code", "last_response_ms", "last_error",
                       "created", "sent_at")
    inlines = [AttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Replay: send the selected deliveries again now"))
    def replay(self, request, queryset):
        done = 0
        for delivery in queryset.order_by("pk"):
            try:
                webhook_delivery_replay(actor=request.user, delivery=delivery)
            except MarketplaceError as exc:
                self.message_user(request, f"#{delivery.pk}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(n)d delivery queued again.",
                                                "%(n)d deliveries queued again.", done)
                              % {"n": done}, messages.SUCCESS)
