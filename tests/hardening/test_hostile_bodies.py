"""Bad input as a hostile but ordinary client sends it gets a 4xx JSON refusal, never a 500:
bodies that are not JSON objects, numbers too large for the decimal module, impossible dates,
oversized bodies (issue 8)."""
from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from bidding.models import Project
from tests.factories import bidding as bf
from tests.factories.awards import made_award
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def client_of(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_json_refusal(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict) and str(body.get("detail", "")).strip(), body


def _award_paths(award) -> list[str]:
    objection = "/api/v1/objections/1/"
    delivery = "/api/v1/deliveries/1/"
    return [
        f"/api/v1/awards/{award.pk}/objections/",
        f"/api/v1/awards/{award.pk}/refuse/",
        f"/api/v1/awards/{award.pk}/deliveries/",
        objection + "answer/",
        objection + "decide/",
        delivery + "return/",
    ]


NON_OBJECTS = [[1], ["text"], "just a string", 42, None, True]


@pytest.mark.parametrize("body", NON_OBJECTS, ids=repr)
def test_a_json_body_that_is_not_an_object_is_refused_on_every_write_endpoint(body):
    award = made_award()
    project = award.project
    user = project.created_by
    paths = _award_paths(award) + [
        f"/api/v1/projects/{project.pk}/quote/",
        "/api/v1/panels/1/scores/",
        f"/api/v1/projects/{project.pk}/direct-pick/",
        f"/api/v1/projects/{project.pk}/bids/",
        f"/api/v1/projects/{project.pk}/withdraw/",
        "/api/v1/sanctions/1/reject/",
        "/api/v1/sanctions/1/appeal/",
        "/api/v1/sanctions/1/decide/",
        "/api/v1/projects/",
        "/api/v1/agencies/",
        "/api/v1/auth/token/",
    ]
    for who in (user, regulator_user()):
        client = client_of(who)
        for path in paths:
            response = client.post(path, data=json.dumps(body), content_type="application/json")
            assert response.status_code != 500, path
            if response.status_code not in (403, 404, 405):
                assert_json_refusal(response)


def test_a_body_that_is_not_an_object_is_refused_by_the_parser_with_its_own_code():
    response = client_of(regulator_user()).post("/api/v1/sanctions/1/reject/", data="[1]",
                                                content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_an_object"


def test_every_endpoint_parses_with_the_strict_parser_by_default():
    from django.conf import settings

    from core.api import API_PARSERS

    assert settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] == [
        f"{p.__module__}.{p.__name__}" for p in API_PARSERS]


@pytest.mark.parametrize("value", ["1e999999999", "-1e999999999", "1E+99999", "NaN", "Infinity",
                                   "9" * 100, 1e308, "0x10"])
def test_a_bid_of_an_absurd_number_is_a_readable_400(value):
    project, signups = bf.live_auction(bidders=2)
    bidder = signups[0].agency.organisation.members.first().user
    response = client_of(bidder).post(f"/api/v1/projects/{project.pk}/bids/",
                                      data={"value": value}, format="json")
    assert_json_refusal(response)
    assert response.status_code == 400


@pytest.mark.parametrize("deadline", ["2027-02-30T17:00", "2027-13-01T09:00", "abc",
                                      "9999-12-31T17:00", "0001-01-01T00:00", "2027-01-01T25:61"])
def test_the_period_preview_refuses_impossible_or_absurd_dates_quickly(client, deadline):
    import time

    started = time.perf_counter()
    response = client.get("/projects/periods/", {"signup_deadline": deadline})
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 400, response.status_code
    body = response.json()
    assert body["code"] in ("invalid_date", "out_of_range")
    assert body["errors"]["signup_deadline"] == [body["detail"]]


def test_an_oversized_body_gets_the_json_error_format():
    user = regulator_user()
    body = json.dumps({"reason": "x" * (3 * 1024 * 1024)})
    response = client_of(user).post("/api/v1/sanctions/1/reject/", data=body,
                                    content_type="application/json")
    assert_json_refusal(response)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_an_unknown_page_is_the_sites_page_and_an_unknown_api_url_is_json(client):
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert b"URLconf" not in page.content
    assert "404.html" in [t.name for t in page.templates]
    api = client.get("/api/v1/no-such-endpoint/")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_with_debug_on_a_404_is_still_the_sites_page_not_the_url_map(client, settings):
    settings.DEBUG = True
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert b"URLconf" not in page.content
    assert "404.html" in [t.name for t in page.templates]
    assert client.get("/api/v1/no-such-endpoint/").json()["code"] == "not_found"


def test_a_project_with_a_sign_up_deadline_in_year_9999_or_a_fiscal_share_over_100_is_refused():
    project = bf.draft()
    owner = project.created_by
    client = client_of(owner)
    far = client.patch(f"/api/v1/projects/{project.pk}/",
                       data={"signup_deadline": "9999-12-31T17:00:00+08:00"}, format="json")
    share = client.patch(f"/api/v1/projects/{project.pk}/", data={"fiscal_share": 150},
                         format="json")
    for response in (far, share):
        assert response.status_code != 500
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT
    assert project.signup_deadline is None or project.signup_deadline.year < 9999
    assert project.fiscal_share is None or project.fiscal_share <= 100
