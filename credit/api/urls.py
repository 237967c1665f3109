from django.urls import path

from credit.api import ledger as api_credit

urlpatterns = [
    path("agencies/<int:pk>/credit/", api_credit.AgencyCreditView.as_view(),
         name="api-agency-credit"),
    path("sanctions/", api_credit.SanctionListView.as_view(), name="api-sanctions"),
    *[path(f"sanctions/<int:pk>/{action}/", view, name=f"api-sanction-{action}")
      for action, view in api_credit.SANCTION_ACTIONS.items()],
]
