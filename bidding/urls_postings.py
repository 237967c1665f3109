from django.urls import path

from .views import postings as views

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/periods/", views.project_periods, name="project-periods"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/publish/", views.project_publish, name="project-publish"),
    path("projects/<int:pk>/withdraw/", views.project_withdraw, name="project-withdraw"),
    path("projects/<int:pk>/signup/", views.project_signup, name="project-signup"),
    path("projects/<int:pk>/signup/cancel/", views.project_signup_cancel,
         name="project-signup-cancel"),
]
