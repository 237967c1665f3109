from django.urls import path

from . import api_postings as api

urlpatterns = [
    path("projects/", api.ProjectListCreate.as_view(), name="api-projects"),
    path("projects/<int:pk>/", api.ProjectDetail.as_view(), name="api-project"),
    path("projects/<int:pk>/publish/", api.ProjectPublish.as_view(), name="api-project-publish"),
    path("projects/<int:pk>/withdraw/", api.ProjectWithdraw.as_view(),
         name="api-project-withdraw"),
    path("projects/<int:pk>/signups/", api.ProjectSignUps.as_view(), name="api-project-signups"),
]
