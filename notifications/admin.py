from django.contrib import admin

from notifications.models import (
    ChannelPreference,
    Delivery,
    InboxItem,
    Notification,
    NotificationSettings,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "user", "key", "created")
    list_filter = ("kind",)
    search_fields = ("key",)
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "status", "attempts", "next_attempt_at",
                    "sent_at")
    list_filter = ("channel", "status")
    raw_id_fields = ("notification",)


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = ("notification", "user", "created", "read_at")
    raw_id_fields = ("notification", "user")


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "mobile", "language", "updated")
    raw_id_fields = ("user",)


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "channel", "enabled")
    list_filter = ("channel", "enabled")
    raw_id_fields = ("user",)
