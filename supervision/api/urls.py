from django.urls import path

from supervision.api.inspections import InspectionDetail, InspectionList

urlpatterns = [
    path("inspections/", InspectionList.as_view(), name="inspection-list"),
    path("inspections/<int:pk>/", InspectionDetail.as_view(), name="inspection-detail"),
]
