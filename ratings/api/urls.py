from django.urls import path

from ratings.api.actions import (
    RatingAppealDecideView,
    RatingAppealView,
    RatingReplyView,
    RatingVoidView,
)
from ratings.api.purchasers import (
    AwardPurchaserRatingView,
    PurchaserDetailView,
    PurchaserRatingReplyView,
)
from ratings.api.ratings import AwardRatingsView

urlpatterns = [
    path("awards/<int:award_id>/ratings/", AwardRatingsView.as_view(), name="award-ratings"),
    path("awards/<int:award_id>/purchaser-rating/", AwardPurchaserRatingView.as_view(),
         name="api-purchaser-rating"),
    path("purchaser-ratings/<int:pk>/reply/", PurchaserRatingReplyView.as_view(),
         name="api-purchaser-rating-reply"),
    path("purchasers/<int:pk>/", PurchaserDetailView.as_view(), name="api-purchaser"),
    path("ratings/<int:pk>/reply/", RatingReplyView.as_view(), name="api-rating-reply"),
    path("ratings/<int:pk>/appeal/", RatingAppealView.as_view(), name="api-rating-appeal"),
    path("ratings/<int:pk>/void/", RatingVoidView.as_view(), name="api-rating-void"),
    path("rating-appeals/<int:pk>/decide/", RatingAppealDecideView.as_view(),
         name="api-rating-appeal-decide"),
]
