from django.urls import path

from opendata.api import releases

urlpatterns = [
    path("ocds/releases/", releases.ReleaseList.as_view(), name="api-ocds-releases"),
    path("ocds/records/<str:ocid>/", releases.RecordDetail.as_view(), name="api-ocds-record"),
]
