from . import api_urls_credit, api_urls_regulator

urlpatterns = [*api_urls_credit.urlpatterns, *api_urls_regulator.urlpatterns]
