"""The OCDS API (docs/architecture.md, "Open data"): public, read-only, a release package with
filters and ``links.next``, the record package of one ocid."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bidding.models import Project
from core.models import Region
from opendata.models import Release
from opendata.ocds import ocid_for
from opendata.services.releases import release_backfill
from opendata.validation import validate_package
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db
URL = "/api/v1/ocds/releases/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def projects():
    live = bf.project()
    draw = bf.project(method=Project.Method.RANDOM_DRAW, status=Project.Status.FAILED)
    direct = bf.project(method=Project.Method.DIRECT)
    release_backfill()
    Release.objects.filter(project=live).update(date=timezone.now() - dt.timedelta(days=10))
    return {"live": live, "draw": draw, "direct": direct}


def _ocids(response):
    assert response.status_code == 200, response.content
    return {r["ocid"] for r in response.json()["releases"]}


def test_the_list_is_a_valid_release_package_open_to_anyone(api, projects):
    response = api.get(URL)
    package = response.json()
    assert _ocids(response) == {ocid_for(p) for p in projects.values()}
    assert package["version"] == "1.1" and package["publisher"]["name"]
    assert package["uri"].startswith("http://testserver/api/v1/ocds/releases/")
    assert "links" not in package
    assert validate_package(package, "release") == []


def test_filters_by_date_method_status_item_and_region(api, projects):
    live, draw, direct = projects["live"], projects["draw"], projects["direct"]
    today = timezone.localdate().isoformat()
    assert _ocids(api.get(URL, {"since": today})) == {ocid_for(draw), ocid_for(direct)}
    old = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert _ocids(api.get(URL, {"until": old})) == {ocid_for(live)}
    assert _ocids(api.get(URL, {"since": old, "until": old})) == {ocid_for(live)}
    moment = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert _ocids(api.get(URL, {"until": moment})) == {ocid_for(live)}
    assert _ocids(api.get(URL, {"method": "random_draw"})) == {ocid_for(draw)}
    assert _ocids(api.get(URL, {"status": "failed"})) == {ocid_for(draw)}
    assert _ocids(api.get(URL, {"item": str(direct.item_id)})) == {ocid_for(direct)}
    region = live.region
    assert _ocids(api.get(URL, {"region": region.code})) >= {ocid_for(live)}
    province = Region.objects.filter(code=region.code[:2] + "0000").first()
    if province is not None:
        assert ocid_for(live) in _ocids(api.get(URL, {"region": province.code}))
    other = Region.objects.exclude(code__startswith=region.code[:2]).filter(
        code__endswith="0000").first()
    assert _ocids(api.get(URL, {"region": other.code})) == set()


@pytest.mark.parametrize("params,field", [
    ({"since": "yesterday"}, "since"), ({"until": "2026-13-45"}, "until"),
    ({"method": "auction"}, "method"), ({"status": "open"}, "status"), ({"item": "x"}, "item"),
    ({"region": "999999"}, "region"), ({"sinse": "2026-01-01"}, "sinse"),
    ({"since": "2026-01-01\x00"}, "since"), ({"region": "42\x000000"}, "region"),
])
def test_a_bad_filter_is_a_400_naming_it(api, projects, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and field in body.get("errors", {field: None})


def test_pages_are_linked_with_links_next_as_ocds_does(api, projects):
    first = api.get(URL, {"page_size": 2}).json()
    assert len(first["releases"]) == 2 and "next" in first["links"]
    second = api.get(first["links"]["next"]).json()
    assert len(second["releases"]) == 1 and "prev" in second["links"]
    assert "next" not in second["links"]
    seen = [r["id"] for r in first["releases"] + second["releases"]]
    assert seen == list(Release.objects.order_by("date", "pk").values_list("release_id", flat=True))


def test_the_record_of_an_ocid_is_a_valid_record_package(api, projects):
    ocid = ocid_for(projects["draw"])
    response = api.get(f"/api/v1/ocds/records/{ocid}/")
    assert response.status_code == 200
    package = response.json()
    (record,) = package["records"]
    assert record["ocid"] == ocid
    assert record["compiledRelease"]["tender"]["status"] == "unsuccessful"
    assert record["releases"][0]["url"].startswith("http://127.0.0.1:8000/api/v1/ocds/records/")
    assert validate_package(package, "record") == []


def test_an_unknown_ocid_is_a_404_with_a_json_message(api, projects):
    for ocid in ("ocds-xxxxxx-zjmp-999999", "%00", "x%00y", "é" * 120):
        response = api.get(f"/api/v1/ocds/records/{ocid}/")
        assert response.status_code == 404, ocid
        assert response.json()["code"] == "not_found" and response.json()["detail"]


def test_the_api_is_read_only(api, projects):
    assert api.post(URL, {}, format="json").status_code in (403, 405)
    ocid = ocid_for(projects["live"])
    assert api.delete(f"/api/v1/ocds/records/{ocid}/").status_code in (403, 405)
