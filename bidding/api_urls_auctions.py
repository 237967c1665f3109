from django.urls import path

from . import api_auctions

urlpatterns = [
    path("projects/<int:pk>/bids/", api_auctions.AuctionBids.as_view(), name="api-auction-bids"),
    path("projects/<int:pk>/auction/", api_auctions.AuctionState.as_view(),
         name="api-auction"),
]
