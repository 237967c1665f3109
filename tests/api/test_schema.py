"""The OpenAPI schema documents our endpoints and generates without warnings or errors."""
import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

OUR_PATHS = [
    "/api/v1/auth/token/", "/api/v1/service-items/", "/api/v1/service-items/{id}/",
    "/api/v1/agencies/", "/api/v1/agencies/{id}/", "/api/v1/agencies/{id}/offers/{item_id}/",
]


@pytest.mark.django_db
def test_schema_endpoint_serves_our_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for name in OUR_PATHS:
        assert name in schema["paths"], name
    agencies = schema["paths"]["/api/v1/agencies/"]
    assert {"get", "post"} <= set(agencies)
    params = {p["name"] for p in agencies["get"]["parameters"]}
    assert {"item", "category", "region", "qualification", "q", "min_stars", "sort",
            "page", "page_size"} <= params
    registration = schema["components"]["schemas"]["AgencyRegistration"]
    assert registration["properties"]["uscc"]["description"]


def test_our_endpoints_generate_a_valid_schema_without_warnings():
    patterns = [path("api/v1/", include("marketplace.api.urls")),
                path("api/v1/", include("agencies.api.urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, (
        dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    assert sorted(schema["paths"]) == sorted(OUR_PATHS)


@pytest.mark.django_db
def test_docs_pages_render(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"/api/schema/" in response.content


def test_the_whole_api_generates_a_valid_schema_without_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, (
        dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    assert "/api/v1/projects/{id}/bids/" in schema["paths"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_the_bundled_assets_not_a_cdn(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html and "/static/drf_spectacular_sidecar/" in html
