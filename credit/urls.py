from . import urls_credit, urls_regulator

app_name = "credit"
urlpatterns = [*urls_credit.urlpatterns, *urls_regulator.urlpatterns]
