from . import urls_auctions, urls_awards, urls_postings

app_name = "bidding"
urlpatterns = [*urls_postings.urlpatterns, *urls_auctions.urlpatterns, *urls_awards.urlpatterns]
