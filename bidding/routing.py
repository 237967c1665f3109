from django.urls import path

from bidding.consumers import AuctionConsumer

websocket_urlpatterns = [
    path("ws/auctions/<int:project_id>/", AuctionConsumer.as_asgi()),
]
