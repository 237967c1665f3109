from django.urls import path

from credit.views import ledger as views

app_name = "credit"

urlpatterns = [
    path("credit/", views.credit_list, name="list"),
    path("credit/model/", views.credit_model, name="model"),
    path("credit/agencies/<int:pk>/", views.credit_agency, name="agency"),
    path("credit/agencies/<int:pk>/<slug:action>/", views.agency_action, name="agency_action"),
    path("credit/sanctions/", views.sanctions_list, name="sanctions"),
    path("credit/sanctions/<int:pk>/", views.sanction_detail, name="sanction"),
    path("credit/sanctions/<int:pk>/<slug:action>/", views.sanction_action,
         name="sanction_action"),
]
