from django.urls import path

from ratings.api.actions import (
    RatingAppealDecideView,
    RatingAppealView,
    RatingReplyView,
    RatingVoidView,
)
from ratings.api.ratings import AwardRatingsView

urlpatterns = [
    path("awards/<int:award_id>/ratings/", AwardRatingsView.as_view(), name="award-ratings"),
    path("ratings/<int:pk>/reply/", RatingReplyView.as_view(), name="api-rating-reply"),
    path("ratings/<int:pk>/appeal/", RatingAppealView.as_view(), name="api-rating-appeal"),
    path("ratings/<int:pk>/void/", RatingVoidView.as_view(), name="api-rating-void"),
    path("rating-appeals/<int:pk>/decide/", RatingAppealDecideView.as_view(),
         name="api-rating-appeal-decide"),
]
