from django.urls import path

from webhooks.views import endpoints

urlpatterns = [
    path("webhooks/", endpoints.endpoints, name="webhooks"),
    path("webhooks/<int:pk>/deliveries/", endpoints.deliveries, name="webhook-deliveries"),
    path("webhooks/<int:pk>/<slug:action>/", endpoints.endpoint_action, name="webhook-action"),
]
