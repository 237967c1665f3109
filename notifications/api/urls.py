from django.urls import path

from notifications.api.inbox import (
    NotificationList,
    NotificationRead,
    NotificationReadAll,
    UnreadCount,
)
from notifications.api.preferences import Preferences

urlpatterns = [
    path("notifications/", NotificationList.as_view(), name="api-notifications"),
    path("notifications/unread-count/", UnreadCount.as_view(),
         name="api-notifications-unread-count"),
    path("notifications/<int:pk>/read/", NotificationRead.as_view(),
         name="api-notification-read"),
    path("notifications/read-all/", NotificationReadAll.as_view(),
         name="api-notifications-read-all"),
    path("notifications/preferences/", Preferences.as_view(),
         name="api-notification-preferences"),
]
