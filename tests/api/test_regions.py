"""Regions at every level in the API: registering in a county, the directory's region filter
by province, city and county code, abolished and unknown codes refused, GET /api/v1/regions/."""
import pytest

from agencies.models import Agency
from tests.api.conftest import registration_payload

pytestmark = pytest.mark.django_db

LIST = "/api/v1/agencies/"


def _names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_an_agency_registers_in_hongshan_and_is_listed_by_province_city_and_county(api):
    response = api.post(LIST, registration_payload(31, region="420111",
                                                   service_regions=["420111"]), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["region"] == {"code": "420111", "name": "洪山区"}
    name = response.json()["name"]
    for code in ("420000", "420100", "420111"):
        assert name in _names(api.get(LIST, {"region": code})), code
    assert name not in _names(api.get(LIST, {"region": "430000"}))


def test_abolished_and_unknown_codes_are_refused_naming_them_and_nothing_is_saved(english):
    response = english.post(LIST, registration_payload(32, region="110103"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["region"] == [
        "The region code 110103 (崇文区) was abolished in 2010; choose the region that "
        "replaced it."]
    response = english.post(LIST, registration_payload(33, service_regions=["420100", "110104"]),
                            format="json")
    assert response.status_code == 400
    assert "110104" in response.json()["errors"]["service_regions"][0]
    response = english.post(LIST, registration_payload(34, region="420199"), format="json")
    assert response.json()["errors"]["region"] == ["Unknown region code: 420199"]
    assert not Agency.objects.exists()
    response = english.get(LIST, {"region": "110103"})
    assert response.status_code == 400 and "110103" in response.json()["errors"]["region"][0]


def test_the_regions_endpoint_lists_children_levels_and_current_regions_by_default(api):
    body = api.get("/api/v1/regions/", {"parent": "420100", "page_size": 100}).json()
    rows = {row["code"]: row for row in body["results"]}
    assert rows["420111"] == {"code": "420111", "name": "洪山区", "level": "county",
                              "parent": "420100", "parent_name": "武汉市", "valid_from": 1983,
                              "valid_until": None, "retired": False}
    assert "420123" not in rows  # 黄陂县, abolished in 1998
    provinces = api.get("/api/v1/regions/", {"level": "province", "page_size": 100}).json()
    assert provinces["count"] == 34
    beijing = api.get("/api/v1/regions/", {"parent": "110000", "retired": "true",
                                           "page_size": 100}).json()["results"]
    assert {"code": "110103", "retired": True, "valid_until": 2010}.items() <= next(
        r for r in beijing if r["code"] == "110103").items()
    found = api.get("/api/v1/regions/", {"q": "洪山"}).json()["results"]
    assert "420111" in {r["code"] for r in found}
    assert api.get("/api/v1/regions/", {"parent": "999999"}).status_code == 400


@pytest.mark.parametrize("value", ["1%", "%s", "%(x)s", "湖北%"])
def test_a_refused_filter_value_with_a_percent_sign_is_a_400_not_a_500(value):
    """django-filter formats a refusal's message again with ``%``; a value echoed in it must not
    break that (found by the fuzzed directory test)."""
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/agencies/", {"region": value})
    assert response.status_code == 400
    assert "region" in response.json()["errors"]
