"""The site's URLs plus one view that fails, for the 500 page's test (tests/finish/test_error_pages.py)."""
from django.urls import path

from marketplace.urls import handler400, handler403, handler404, handler500  # noqa: F401
from marketplace.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("api/v1/boom/", boom), *site_urlpatterns]
