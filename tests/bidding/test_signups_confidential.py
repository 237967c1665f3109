"""Sign-ups stay confidential until sign-up closes (issue 10 item 6, R4 in docs/design.md): their
number and the agencies' names are hidden from everyone but the regulator — the purchaser
included — on the project pages, the API, the auction snapshot and the agencies' contact pages.
"""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bidding.models import Project
from bidding.selectors.auctions import auction_snapshot
from core.permissions import has_perm
from tests.factories import bidding as bf
from tests.factories.agencies import agency_user
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db

Status = Project.Status
HIDDEN = "报名截止前，报名机构名单和数量均保密。"


def _open_project_with_signups(n=3):
    owner = bf.purchaser()
    project = bf.project(owner=owner)
    agencies = [bf.signup(project=project).agency for _ in range(n)]
    return owner, project, agencies


def _api_count(user, project, *, detail=True):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    if detail:
        return client.get(f"/api/v1/projects/{project.pk}/").json()["signup_count"]
    rows = client.get("/api/v1/projects/").json()["results"]
    return next(r["signup_count"] for r in rows if r["id"] == project.pk)


def _page(user, url):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_while_sign_up_is_open_nobody_but_the_regulator_sees_the_count():
    owner, project, agencies = _open_project_with_signups(3)
    other_agency = agency_user(bf.bidding_agency(project))
    regulator = regulator_user()
    for viewer in (None, owner, agency_user(agencies[0]), other_agency):
        assert _api_count(viewer, project) is None
        assert _api_count(viewer, project, detail=False) is None
        detail = _page(viewer, project.get_absolute_url())
        assert HIDDEN in detail and '<span class="stat">3</span>' not in detail
        assert not has_perm(viewer, "bidding.see_signups", project)
        # No agency's name appears on the project page while sign-up is open.
        for agency in agencies:
            if viewer is None or agency.organisation_id != viewer.member.organisation_id:
                assert agency.name not in detail
    assert _api_count(regulator, project) == 3
    assert '<span class="stat">3</span>' in _page(regulator, project.get_absolute_url())
    listing = _page(None, "/projects/")
    assert "保密" in listing


def test_once_sign_up_has_closed_the_count_is_public():
    owner, project, _agencies = _open_project_with_signups(2)
    Project.objects.filter(pk=project.pk).update(
        status=Status.SELECTING, signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    project.refresh_from_db()
    assert _api_count(None, project) == 2
    assert _api_count(owner, project, detail=False) == 2
    assert '<span class="stat">2</span>' in _page(None, project.get_absolute_url())


def test_a_posting_withdrawn_during_sign_up_keeps_them_until_its_deadline():
    _owner, project, _agencies = _open_project_with_signups(2)
    Project.objects.filter(pk=project.pk).update(status=Status.WITHDRAWN)
    project.refresh_from_db()
    assert _api_count(None, project) is None
    Project.objects.filter(pk=project.pk).update(
        signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    project.refresh_from_db()
    assert _api_count(None, project) == 2


def test_the_auction_snapshot_carries_no_bidder_count_before_close():
    _owner, project, _agencies = _open_project_with_signups(3)
    assert auction_snapshot(project=project.pk)["bidders"] is None
    live, _signups = bf.live_auction(bidders=3)
    assert auction_snapshot(project=live.pk)["bidders"] == 3


def test_a_purchaser_cannot_find_who_signed_up_through_agency_contacts():
    """The contact data a purchaser of a project may see would tell it who signed up; it opens
    only once sign-up has closed."""
    owner, project, agencies = _open_project_with_signups(1)
    agency = agencies[0]
    assert not has_perm(owner, "agencies.view_contacts", agency)
    Project.objects.filter(pk=project.pk).update(status=Status.SELECTING)
    assert has_perm(owner, "agencies.view_contacts", agency)
