from django.urls import path

from core.views.token import TokenView
from marketplace.api import catalogue as api_views

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("service-items/", api_views.ServiceItemList.as_view(), name="api-service-items"),
    path("service-items/<int:pk>/", api_views.ServiceItemDetail.as_view(),
         name="api-service-item"),
]
