"""The "我的" page (/my/): an agency's and a purchaser's own work with the next step of each
(marketplace/selectors/mine.py), in a fixed number of queries."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bidding.services import contracts
from tests.factories import bidding as bf
from tests.factories import ratings as rf
from tests.factories.core import regulator_user
from tests.marketplace.test_todos import (
    check_account_in_chinese,
    contracting,
    drawn,
    pdf,
    user_of,
)

pytestmark = pytest.mark.django_db


def page(client, user) -> str:
    client.force_login(user)
    response = client.get("/my/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_agency_sees_its_signups_auctions_awards_and_the_next_step_of_each(client):
    award = contracting(drawn())
    agency = award.agency
    live, signups = bf.live_auction(bidders=2)
    bf.signup(project=live, agency=agency)
    html = page(client, user_of(agency))
    assert "Live auctions" in html and f"/projects/{live.pk}/auction/" in html
    assert "My sign-ups" in html and award.project.title in html
    assert "Upload the signed contract" in html and f"/awards/{award.pk}/#contract" in html
    assert "Ratings received" in html and "Sanctions" in html
    contracts.contract_upload(actor=award.project.created_by, award=award, file=pdf())
    assert "Confirm the contract" in page(client, user_of(agency))
    assert "Awaiting the other side" in page(client, award.project.created_by)


def test_the_purchaser_sees_its_projects_by_state_with_their_next_step(client):
    award = contracting(drawn())
    draft = bf.draft(owner=award.project.created_by)
    html = page(client, award.project.created_by)
    assert "My projects" in html
    assert "Upload the signed contract" in html and f"/awards/{award.pk}/#contract" in html
    assert "Complete and publish the posting" in html and f"/projects/{draft.pk}/edit/" in html


def test_an_accepted_award_not_yet_rated_leads_to_the_rating_form(client):
    rating = rf.rating()  # an accepted, rated award …
    award = rating.award
    html = page(client, award.project.created_by)
    assert f"/ratings/award/{award.pk}/" not in html  # … has nothing left to rate
    rating.delete()
    html = page(client, award.project.created_by)
    assert "Rate the agency" in html and f"/ratings/award/{award.pk}/" in html


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(client):
    award = contracting(drawn())
    user = award.project.created_by
    client.force_login(user)
    with CaptureQueriesContext(connection) as one:
        client.get("/my/")
    for _ in range(3):
        contracting(drawn(owner=user))
    with CaptureQueriesContext(connection) as four:
        client.get("/my/")
    assert len(four) == len(one)


def test_other_roles_go_to_their_account_page_and_strangers_sign_in(client):
    assert client.get("/my/").status_code == 302
    client.force_login(regulator_user())
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"] == "/account/"


def test_the_page_reads_in_chinese(client):
    award = contracting(drawn())
    client.force_login(user_of(award.agency))
    html = client.get("/my/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的机构事项" in html and "上传已签订的合同" in html
    check_account_in_chinese(client, user_of(award.agency))
