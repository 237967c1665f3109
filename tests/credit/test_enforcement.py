"""Sanctions are enforced by the one eligibility check: sign-up (service and page), the HTTP
bid and the WebSocket bid, including a sanction imposed in the middle of an auction."""
import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from bidding.models import Bid, SignUp
from bidding.routing import websocket_urlpatterns
from bidding.services.auctions import bid_place
from bidding.services.postings import signup_create
from core.errors import NotAllowed
from credit.models import Sanction
from credit.services.sanctions import sanction_impose, sanction_lift
from tests.factories import bidding as bf
from tests.factories.core import PASSWORD, regulator_user
from tests.factories.credit import Kind, Source, event, suspended_agency


def _user(agency):
    return agency.organisation.members.first().user


def _suspend(agency, reason="拒不签订合同"):
    return sanction_impose(actor=regulator_user(), agency=agency, kind="suspension",
                           reason=reason, days=90)


@pytest.mark.django_db
def test_suspended_agency_cannot_sign_up_and_is_told_why():
    project = bf.project()
    agency = suspended_agency(offers=[project.item])
    with pytest.raises(NotAllowed) as refused:
        signup_create(actor=_user(agency), project=project)
    assert "拒不签订合同" in str(refused.value)
    assert not SignUp.objects.filter(agency=agency).exists()


@pytest.mark.django_db
def test_suspended_agency_cannot_sign_up_on_the_page(client):
    project = bf.project()
    agency = suspended_agency(offers=[project.item])
    client.login(username=_user(agency).username, password=PASSWORD)
    response = client.post(f"/projects/{project.pk}/signup/", follow=True)
    assert any("拒不签订合同" in str(m) for m in response.context["messages"])
    assert not SignUp.objects.filter(agency=agency).exists()


@pytest.mark.django_db
def test_agency_suspended_after_refusing_a_contract_cannot_sign_up_elsewhere():
    project = bf.project()
    agency = bf.bidding_agency(project)
    event(agency, Kind.CONTRACT_REFUSED, source=Source.OPERATOR, reason="中选后拒签")
    with pytest.raises(NotAllowed) as refused:
        signup_create(actor=_user(agency), project=project)
    assert "中选后拒签" in str(refused.value)


@pytest.mark.django_db
def test_lifted_suspension_allows_signing_up_again():
    project = bf.project()
    agency = suspended_agency(offers=[project.item])
    sanction_lift(actor=regulator_user(), sanction=Sanction.objects.get(agency=agency),
                  reason="申诉成立")
    assert signup_create(actor=_user(agency), project=project).pk


@pytest.mark.django_db
def test_agency_suspended_mid_auction_has_its_next_bid_refused_with_the_reason():
    project, signups = bf.live_auction(bidders=2)
    agency = signups[0].agency
    bid_place(actor=_user(agency), project=project, value="95000")
    _suspend(agency, reason="围标串标嫌疑")
    with pytest.raises(NotAllowed) as refused:
        bid_place(actor=_user(agency), project=project, value="90000")
    assert "围标串标嫌疑" in str(refused.value)
    assert Bid.objects.filter(project=project).count() == 1


@pytest.mark.django_db
def test_suspended_agency_cannot_bid_through_the_http_api():
    project, signups = bf.live_auction(bidders=2)
    agency = signups[0].agency
    _suspend(agency, reason="围标串标嫌疑")
    api = APIClient()
    api.force_authenticate(_user(agency))
    response = api.post(f"/api/v1/projects/{project.pk}/bids/", {"value": "95000.00"},
                        format="json")
    assert response.status_code == 403
    assert "围标串标嫌疑" in response.json()["detail"]
    assert not Bid.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_expelled_agency_cannot_bid_through_the_http_api():
    project, signups = bf.live_auction(bidders=2)
    agency = signups[1].agency
    sanction_impose(actor=regulator_user(), agency=agency, kind="expulsion", reason="伪造资质证书")
    api = APIClient()
    api.force_authenticate(_user(agency))
    response = api.post(f"/api/v1/projects/{project.pk}/bids/", {"value": "95000.00"},
                        format="json")
    assert response.status_code == 403 and "伪造资质证书" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
async def test_suspended_agency_cannot_bid_over_websocket_and_the_connection_stays_usable():
    @database_sync_to_async
    def setup():
        project, signups = bf.live_auction(bidders=2)
        return project, signups[0].agency, _user(signups[0].agency)

    project, agency, user = await setup()
    comm = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/auctions/{project.pk}/")
    comm.scope["user"] = user
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from(timeout=5))["type"] == "snapshot"
    await comm.send_json_to({"type": "bid", "value": "95000.00"})
    assert (await comm.receive_json_from(timeout=5))["type"] in ("bid.accepted", "bids")
    await database_sync_to_async(_suspend)(agency, "拒不配合监督检查")
    await comm.send_json_to({"type": "bid", "value": "90000.00"})
    frame = await comm.receive_json_from(timeout=5)
    while frame["type"] != "error":  # skip our own broadcast of the first bid, if any
        frame = await comm.receive_json_from(timeout=5)
    assert "拒不配合监督检查" in frame["message"]
    await comm.send_json_to({"type": "ping"})
    while (await comm.receive_json_from(timeout=5))["type"] != "pong":
        pass
    assert await database_sync_to_async(Bid.objects.filter(project=project).count)() == 1
    await comm.disconnect()
