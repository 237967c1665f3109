from django.urls import path

from ratings.api.ratings import AwardRatingsView

urlpatterns = [
    path("awards/<int:award_id>/ratings/", AwardRatingsView.as_view(), name="award-ratings"),
]
