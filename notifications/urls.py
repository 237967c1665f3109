from django.urls import path

from notifications.views import inbox, preferences

urlpatterns = [
    path("notifications/", inbox.inbox, name="notifications"),
    path("notifications/<int:pk>/read/", inbox.read, name="notification-read"),
    path("notifications/read-all/", inbox.read_all, name="notifications-read-all"),
    path("notifications/settings/", preferences.settings_page, name="notification-settings"),
    path("notifications/unsubscribe/<str:token>/", preferences.unsubscribe,
         name="notifications-unsubscribe"),
]
