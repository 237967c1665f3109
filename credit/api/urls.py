from django.urls import path

from credit.api import ledger as api_credit

urlpatterns = [
    path("agencies/<int:pk>/credit/", api_credit.AgencyCreditView.as_view(),
         name="api-agency-credit"),
    path("sanctions/", api_credit.SanctionListView.as_view(), name="api-sanctions"),
    path("sanctions/<int:pk>/<slug:action>/", api_credit.SanctionActionView.as_view(),
         name="api-sanction-action"),
]
