from django.urls import path

from notifications.views import inbox

urlpatterns = [
    path("notifications/", inbox.inbox, name="notifications"),
    path("notifications/<int:pk>/read/", inbox.read, name="notification-read"),
    path("notifications/read-all/", inbox.read_all, name="notifications-read-all"),
]
