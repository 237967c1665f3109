from django.urls import path

from agencies.api import papers, qualifications, regions, subscriptions
from agencies.api import registry as api_views

urlpatterns = [
    path("regions/", regions.RegionList.as_view(), name="api-regions"),
    path("agencies/mine/papers/", papers.MyPapers.as_view(), name="api-my-papers"),
    path("agencies/mine/papers/<int:paper_id>/", papers.MyPaper.as_view(), name="api-my-paper"),
    path("agencies/<int:pk>/papers/", papers.AgencyPapers.as_view(), name="api-agency-papers"),
    path("agencies/<int:pk>/papers/<int:paper_id>/file/", papers.AgencyPaperFile.as_view(),
         name="api-agency-paper-file"),
    path("subscriptions/", subscriptions.MySubscriptions.as_view(), name="api-subscriptions"),
    path("subscriptions/<int:pk>/", subscriptions.MySubscription.as_view(),
         name="api-subscription"),
    path("agencies/", api_views.AgencyListCreate.as_view(), name="api-agencies"),
    path("agencies/<int:pk>/", api_views.AgencyDetail.as_view(), name="api-agency"),
    path("agencies/<int:pk>/offers/<int:item_id>/", api_views.AgencyOffer.as_view(),
         name="api-agency-offer"),
    path("agencies/<int:pk>/qualifications/", qualifications.AgencyQualifications.as_view(),
         name="api-agency-qualifications"),
    path("agencies/<int:pk>/qualifications/<int:qualification_id>/",
         qualifications.AgencyQualification.as_view(), name="api-agency-qualification"),
]
