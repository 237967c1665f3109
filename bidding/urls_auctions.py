from django.urls import path

from .views import auctions as views

urlpatterns = [
    path("projects/<int:pk>/auction/", views.auction, name="auction"),
]
