import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from marketplace.views import media, mine, pages

# Django's own refusals (bad request, including a body over DATA_UPLOAD_MAX_MEMORY_SIZE;
# forbidden; not found; server error): JSON in the API's error format under /api/, the site's
# page elsewhere (core/views/errors.py).
handler400 = "core.views.errors.bad_request"
handler403 = "core.views.errors.permission_denied"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"

api_v1 = [
    path("", include("marketplace.api.urls")),
    path("", include("agencies.api.urls")),
    path("", include("bidding.api.urls")),
    path("", include("ratings.api.urls")),
    path("", include("credit.api.urls")),
    path("", include("supervision.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("opendata.api.urls")),
]

site_pages = [
    path("", pages.home, name="home"),
    path("catalogue/", pages.catalogue, name="catalogue"),
    path("catalogue/items/<int:pk>/", pages.catalogue_item, name="catalogue-item"),
    path("catalogue/fees/", pages.catalogue_fees, name="catalogue-fees"),
    path("catalogue/agencies/", pages.catalogue_agencies, name="catalogue-agencies"),
    path("my/", mine.mine, name="mine"),
]

urlpatterns = [
    *site_pages,
    path("", include("core.urls")),
    path("agencies/", include("agencies.urls")),
    path("", include("bidding.urls")),
    path("", include("ratings.urls")),
    path("", include("credit.urls")),
    path("", include("supervision.urls")),
    path("", include("notifications.urls")),
    path("", include("webhooks.urls")),
    path("", include("opendata.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

if settings.DEBUG:  # public uploads only: registration papers are refused (marketplace/views/media.py)
    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
                            media.public_media)]
