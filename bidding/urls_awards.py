from django.urls import path

from .views import awards as views

urlpatterns = [
    path("awards/", views.award_list, name="award-list"),
    path("awards/<int:pk>/", views.award_detail, name="award-detail"),
    path("awards/<int:pk>/<slug:action>/", views.award_action, name="award-action"),
    path("objections/<int:pk>/<slug:action>/", views.objection_action, name="objection-action"),
    path("deliveries/<int:pk>/<slug:action>/", views.delivery_action, name="delivery-action"),
    path("verify/", views.verify, name="verify"),
    path("approvals/", views.approvals, name="approvals"),
    path("projects/<int:pk>/selection/", views.selection, name="selection"),
    path("projects/<int:pk>/selection/<slug:action>/", views.selection_action,
         name="selection-action"),
]
