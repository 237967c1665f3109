"""A query parameter no filter declares is a 400 naming it, not silently ignored (issue 8:
``GET /api/v1/awards/?project=1`` answered every award)."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories.awards import made_award

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/awards/", "/api/v1/projects/", "/api/v1/agencies/",
                                  "/api/v1/sanctions/", "/api/v1/service-items/",
                                  "/api/v1/ocds/releases/"])
def test_an_unknown_query_parameter_is_a_400_naming_it(path):
    response = APIClient().get(path, {"projct": "1"})
    assert response.status_code == 400, (path, response.status_code)
    body = response.json()
    assert body["code"] == "unknown_parameter"
    assert "projct" in body["detail"] and "projct" in body["errors"]


def test_awards_filter_by_project_and_known_parameters_still_work():
    award = made_award()
    other = made_award()
    client = APIClient()
    mine = client.get("/api/v1/awards/", {"project": award.project_id, "page": 1}).json()
    assert [row["id"] for row in mine["results"]] == [award.pk]
    assert other.pk in [row["id"] for row in client.get("/api/v1/awards/").json()["results"]]
    assert client.get("/api/v1/awards/", {"project": "abc"}).status_code == 400
    assert client.get("/api/v1/projects/", {"status": "published", "page_size": 5}) \
        .status_code == 200
    assert client.get("/api/v1/sanctions/", {"all": "1", "kind": ""}).status_code == 200
