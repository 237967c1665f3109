from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

api_v1 = [
    path("", include("marketplace.api_urls")),
    path("", include("agencies.api_urls")),
    path("", include("bidding.api_urls")),
    path("", include("ratings.api_urls")),
    path("", include("credit.api_urls")),
]

urlpatterns = [
    path("", include("marketplace.page_urls")),
    path("agencies/", include("agencies.urls")),
    path("", include("bidding.urls")),
    path("", include("ratings.urls")),
    path("", include("credit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
