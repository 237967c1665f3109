from . import api_urls_auctions, api_urls_awards, api_urls_postings

urlpatterns = [
    *api_urls_postings.urlpatterns, *api_urls_auctions.urlpatterns, *api_urls_awards.urlpatterns,
]
