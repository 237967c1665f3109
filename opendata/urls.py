from django.urls import path

from opendata.views import data as views

app_name = "opendata"

urlpatterns = [
    path("data/", views.data_page, name="data"),
    path("data/files/<str:name>", views.bulk_file, name="file"),
    path("data/stats/<slug:name>.csv", views.stats_csv, name="stats-csv"),
    path("data/sanctions.json", views.sanctions_json, name="sanctions-json"),
]
