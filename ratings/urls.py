from django.urls import path

from ratings.views import purchasers as purchaser_views
from ratings.views import ratings as views

app_name = "ratings"
urlpatterns = [
    path("ratings/award/<int:award_id>/", views.award_rating, name="award"),
    path("ratings/award/<int:award_id>/purchaser/", purchaser_views.award_purchaser_rating,
         name="purchaser-rating"),
    path("ratings/purchaser/<int:rating_id>/reply/", purchaser_views.purchaser_rating_reply_view,
         name="purchaser-reply"),
    path("purchasers/<int:pk>/", purchaser_views.purchaser_detail, name="purchaser"),
    path("ratings/agency/<int:agency_id>/", views.agency_ratings, name="agency"),
    path("ratings/<int:rating_id>/reply/", views.rating_reply_view, name="reply"),
    path("ratings/<int:rating_id>/appeal/", views.rating_appeal_view, name="appeal"),
    path("ratings/<int:rating_id>/void/", views.rating_void_view, name="void"),
    path("regulator/appeals/", views.appeal_queue_view, name="appeals"),
    path("regulator/appeals/<int:appeal_id>/decide/", views.appeal_decide_view,
         name="appeal-decide"),
]
