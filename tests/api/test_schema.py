"""The OpenAPI schema documents our endpoints and generates without warnings or errors."""
import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

OUR_PATHS = [
    "/api/v1/auth/token/", "/api/v1/service-items/", "/api/v1/service-items/{id}/",
    "/api/v1/agencies/", "/api/v1/agencies/{id}/", "/api/v1/agencies/{id}/offers/{item_id}/",
    "/api/v1/agencies/{id}/qualifications/",
    "/api/v1/agencies/{id}/qualifications/{qualification_id}/",
    "/api/v1/agencies/mine/papers/", "/api/v1/agencies/mine/papers/{paper_id}/",
    "/api/v1/subscriptions/", "/api/v1/subscriptions/{id}/",
    "/api/v1/webhooks/", "/api/v1/webhooks/{id}/", "/api/v1/webhooks/{id}/rotate-secret/",
    "/api/v1/webhooks/{id}/deliveries/", "/api/v1/webhooks/{id}/test/",
    "/api/v1/agencies/{id}/papers/", "/api/v1/agencies/{id}/papers/{paper_id}/file/",
    "/api/v1/regions/",
    "/api/v1/notifications/", "/api/v1/notifications/unread-count/",
    "/api/v1/notifications/{id}/read/", "/api/v1/notifications/read-all/",
    "/api/v1/notifications/preferences/",
    "/api/v1/ocds/releases/", "/api/v1/ocds/records/{ocid}/",
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
                path("api/v1/", include("agencies.api.urls")),
                path("api/v1/", include("webhooks.api.urls")),
                path("api/v1/", include("notifications.api.urls")),
                path("api/v1/", include("opendata.api.urls"))]
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


# --- issue 8: the schema tells the truth -------------------------------------------------------

def _whole_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path_name, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path_name, method, operation


def test_every_operation_documents_its_4xx_answers_with_the_error_body():
    schema = _whole_schema()
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "detail", "code", "errors"}
    for path_name, method, operation in _operations(schema):
        responses = operation["responses"]
        where = f"{method.upper()} {path_name}"
        if "{" in path_name:
            assert "404" in responses, where
        if method in ("post", "put", "patch", "delete") and path_name != "/api/v1/auth/token/":
            assert {"401", "403"} <= set(responses), where
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), where
        for code, response in responses.items():
            if code.startswith("4"):
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}, (where, code)


def _body_schema(schema, operation) -> dict:
    content = operation["requestBody"]["content"]
    body = next(iter(content.values()))["schema"]
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    return body


def test_every_write_endpoint_has_a_typed_request_body():
    schema = _whole_schema()
    for path_name, method, operation in _operations(schema):
        if "requestBody" not in operation:
            continue
        body = _body_schema(schema, operation)
        assert body.get("properties"), f"{method.upper()} {path_name} has an untyped body"


@pytest.mark.parametrize("name", [
    "/api/v1/sanctions/{id}/reject/", "/api/v1/sanctions/{id}/appeal/",
    "/api/v1/sanctions/{id}/decide/", "/api/v1/projects/{id}/quote/",
    "/api/v1/panels/{id}/scores/", "/api/v1/awards/{id}/objections/",
    "/api/v1/awards/{id}/refuse/", "/api/v1/awards/{id}/contract/",
    "/api/v1/awards/{id}/deliveries/"])
def test_the_write_endpoints_the_issue_names_are_typed(name):
    schema = _whole_schema()
    assert _body_schema(schema, schema["paths"][name]["post"])["properties"], name


def test_what_pages_can_do_the_api_can_do():
    paths = _whole_schema()["paths"]
    for name, method in [
            ("/api/v1/ratings/{id}/reply/", "post"), ("/api/v1/ratings/{id}/appeal/", "post"),
            ("/api/v1/ratings/{id}/void/", "post"),
            ("/api/v1/rating-appeals/{id}/decide/", "post"),
            ("/api/v1/inspections/announce/", "post"), ("/api/v1/inspections/{id}/draw/", "post"),
            ("/api/v1/inspections/{id}/publish/", "post"),
            ("/api/v1/inspection-findings/{id}/", "post"),
            ("/api/v1/agencies/{id}/qualifications/", "post"),
            ("/api/v1/agencies/{id}/qualifications/{qualification_id}/", "delete"),
            ("/api/v1/panels/{id}/scores/", "post"), ("/api/v1/panels/{id}/replace/", "post")]:
        assert method in paths.get(name, {}), name


def test_paginated_lists_are_declared_as_pages_and_nullable_fields_as_nullable():
    schema = _whole_schema()
    components = schema["components"]["schemas"]
    for name in ("/api/v1/sanctions/", "/api/v1/awards/"):
        ok = schema["paths"][name]["get"]["responses"]["200"]["content"]["application/json"]
        page = components[ok["schema"]["$ref"].rsplit("/", 1)[-1]]
        assert {"count", "next", "previous", "results"} <= set(page["properties"]), name
    assert components["ProjectList"]["properties"]["region_name"]["nullable"]
    assert components["ProjectDetail"]["properties"]["approval_department_name"]["nullable"]
    assert components["Inspection"]["properties"]["item"]["nullable"]
    assert "format" not in components["AgencyDetail"]["properties"]["website"]


@pytest.mark.django_db
def test_an_unknown_api_address_answers_the_json_404(client):
    for url in ("/api/v1/projects/-5/", "/api/v1/no-such-thing/", "/api/v1/awards/1e3/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"
