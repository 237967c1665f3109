from django.urls import path

from supervision.api.complaints import ComplaintDetail, ComplaintHandle, ComplaintList
from supervision.api.inspection_actions import (
    FindingRecord,
    InspectionAnnounce,
    InspectionDraw,
    InspectionPublish,
)
from supervision.api.inspections import InspectionDetail, InspectionList

urlpatterns = [
    path("complaints/", ComplaintList.as_view(), name="api-complaints"),
    path("complaints/<int:pk>/", ComplaintDetail.as_view(), name="api-complaint"),
    path("complaints/<int:pk>/handle/", ComplaintHandle.as_view(), name="api-complaint-handle"),
    path("inspections/", InspectionList.as_view(), name="inspection-list"),
    path("inspections/announce/", InspectionAnnounce.as_view(), name="api-inspection-announce"),
    path("inspections/<int:pk>/", InspectionDetail.as_view(), name="inspection-detail"),
    path("inspections/<int:pk>/draw/", InspectionDraw.as_view(), name="api-inspection-draw"),
    path("inspections/<int:pk>/publish/", InspectionPublish.as_view(),
         name="api-inspection-publish"),
    path("inspection-findings/<int:pk>/", FindingRecord.as_view(), name="api-inspection-finding"),
]
