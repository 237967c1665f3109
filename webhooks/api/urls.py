from django.urls import path

from webhooks.api.endpoints import (
    EndpointDeliveries,
    EndpointDetail,
    EndpointRotateSecret,
    Endpoints,
    EndpointTest,
)

urlpatterns = [
    path("webhooks/", Endpoints.as_view(), name="api-webhooks"),
    path("webhooks/<int:pk>/", EndpointDetail.as_view(), name="api-webhook"),
    path("webhooks/<int:pk>/rotate-secret/", EndpointRotateSecret.as_view(),
         name="api-webhook-rotate-secret"),
    path("webhooks/<int:pk>/deliveries/", EndpointDeliveries.as_view(),
         name="api-webhook-deliveries"),
    path("webhooks/<int:pk>/test/", EndpointTest.as_view(), name="api-webhook-test"),
]
