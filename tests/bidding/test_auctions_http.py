"""The auction page and the HTTP API of live bidding (same service, same snapshot)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bidding.models import Award, Bid, Project
from bidding.services.auctions import bid_place
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db


def user_of(signup):
    return signup.agency.organisation.members.first().user


@pytest.fixture
def auction():
    return bf.live_auction(bidders=2)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_bid_is_placed_through_the_service_and_returns_its_seq(auction):
    project, (a, b) = auction
    res = api(user_of(a)).post(f"/api/v1/projects/{project.pk}/bids/", {"value": "95000.00"},
                               format="json")
    assert res.status_code == 201, res.content
    assert res.json()["seq"] == 1 and res.json()["label"] == "A"
    assert Bid.objects.get().value == 95000


@pytest.mark.parametrize("body,status", [({"value": "abc"}, 400), ({"value": "1.234"}, 400),
                                         ({"value": True}, 400), ({}, 400),
                                         ({"value": "100000.01"}, 400)])
def test_api_bad_bids_get_readable_json_errors_never_500(auction, body, status):
    project, (a, b) = auction
    res = api(user_of(a)).post(f"/api/v1/projects/{project.pk}/bids/", body, format="json")
    assert res.status_code == status and res.json()["detail"]


def test_api_refuses_watchers_and_anonymous(auction):
    project, _ = auction
    assert api().post(f"/api/v1/projects/{project.pk}/bids/", {"value": "9e4"},
                      format="json").status_code in (401, 403)
    res = api(project.created_by).post(f"/api/v1/projects/{project.pk}/bids/",
                                       {"value": "90000"}, format="json")
    assert res.status_code == 403 and res.json()["code"] == "watcher"


def test_api_leader_bidding_against_itself_is_a_conflict(auction):
    project, (a, b) = auction
    bid_place(actor=user_of(a), project=project, value="95000")
    res = api(user_of(a)).post(f"/api/v1/projects/{project.pk}/bids/", {"value": "90000"},
                               format="json")
    assert res.status_code == 409 and res.json()["code"] == "already_leading"


def test_api_snapshot_is_public_and_anonymised(auction):
    project, (a, b) = auction
    bid_place(actor=user_of(a), project=project, value="95000")
    res = api().get(f"/api/v1/projects/{project.pk}/auction/")
    assert res.status_code == 200
    data = res.json()
    assert data["seq"] == 1 and data["ladder"][0]["label"] == "A"
    assert a.agency.name not in res.content.decode()


def test_api_snapshot_after_the_deadline_closes_the_auction(auction):
    project, (a, b) = auction
    bid_place(actor=user_of(b), project=project, value="95000")
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    data = api().get(f"/api/v1/projects/{project.pk}/auction/").json()
    assert data["status"] == "awarded" and data["result"]["winner"]["agency"] == b.agency.name
    assert Award.objects.filter(project=project).count() == 1


def test_api_unknown_project_is_404(db):
    assert api().get("/api/v1/projects/987654/auction/").status_code == 404


def test_auction_page_shows_the_rules_the_ladder_and_a_bid_form_for_a_bidder(client, auction):
    project, (a, b) = auction
    bid_place(actor=user_of(a), project=project, value="95000")
    client.force_login(user_of(b))
    html = client.get(f"/projects/{project.pk}/auction/").content.decode()
    assert 'id="bid-form"' in html and "100000.00" in html and "500.00" in html
    assert "auction-snapshot" in html and f"/ws/auctions/{project.pk}/" in html
    assert a.agency.name not in html


def test_auction_page_for_a_watcher_has_no_bid_form(client, auction):
    project, _ = auction
    html = client.get(f"/projects/{project.pk}/auction/").content.decode()
    assert 'id="bid-form"' not in html and 'id="ladder"' in html


def test_auction_page_no_javascript_fallback_places_a_bid_and_shows_refusals(client, auction):
    project, (a, b) = auction
    client.force_login(user_of(a))
    res = client.post(f"/projects/{project.pk}/auction/", {"value": "abc"}, follow=True)
    assert res.status_code == 200 and not Bid.objects.exists()
    assert list(res.context["messages"])
    client.post(f"/projects/{project.pk}/auction/", {"value": "96000", "confirmed": "1"})
    assert Bid.objects.get().value == 96000


def test_auction_page_after_close_reveals_the_winner_and_links_the_award(client, auction):
    project, (a, b) = auction
    bid_place(actor=user_of(a), project=project, value="95000")
    Project.objects.filter(pk=project.pk).update(
        auction_ends_at=timezone.now() - dt.timedelta(seconds=1))
    html = client.get(f"/projects/{project.pk}/auction/").content.decode()
    award = Award.objects.get(project=project)
    assert a.agency.name in html and f"/awards/{award.pk}/" in html and award.code in html


def test_auction_page_of_a_non_auction_project_is_404(client, db):
    project = bf.project(method=Project.Method.RANDOM_DRAW)
    assert client.get(f"/projects/{project.pk}/auction/").status_code == 404
