"""JSON API of the award stage: reads, verify, actions, 4xx errors as JSON."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from bidding.models import Award, Project
from tests.factories import bidding as bf
from tests.factories import experts as xf
from tests.factories.awards import made_award
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def agency_user(agency):
    return agency.organisation.members.first().user


def test_award_list_and_detail_are_public_json():
    award = made_award()
    body = api().get("/api/v1/awards/").json()
    assert body["count"] == 1 and body["results"][0]["code"] == award.code
    detail = api().get(f"/api/v1/awards/{award.pk}/").json()
    assert detail["computation"] and detail["project"]["investment_code"]


def test_verify_endpoint_authentic_forged_and_altered():
    award = made_award()
    ok = api().get(f"/api/v1/awards/verify/{award.code}/").json()
    assert ok["authentic"] is True and ok["verdict"] == "authentic"
    assert ok["agency"]["good_standing"] is True and ok["price"] == str(award.price)
    forged = api().get("/api/v1/awards/verify/AAAA-BBBB-CCCC/")
    assert forged.status_code == 200 and forged.json()["found"] is False
    Award.objects.filter(pk=award.pk).update(price=Decimal("1.00"))
    assert api().get(f"/api/v1/awards/verify/{award.code}/").json()["verdict"] == "altered"


def test_api_errors_are_4xx_json_with_detail():
    award = made_award()
    r = api().post(f"/api/v1/awards/{award.pk}/objections/", {"text": "x"}, format="json")
    assert r.status_code in (401, 403) and "detail" in r.json()
    r = api(award.project.created_by).post(f"/api/v1/awards/{award.pk}/objections/",
                                           {"text": "x"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = api(award.project.created_by).get("/api/v1/awards/424242/")
    assert r.status_code == 404 and r.json()["detail"]
    r = api(regulator_user()).post("/api/v1/objections/9999/decide/", {"upheld": "maybe"},
                                   format="json")
    assert r.status_code == 404
    r = api(award.project.created_by).post(f"/api/v1/awards/{award.pk}/contract/", {},
                                           format="multipart")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = api(award.project.created_by).post(f"/api/v1/awards/{award.pk}/refuse/",
                                           {"reason": ["a"]}, format="json")
    assert 400 <= r.status_code < 500


def test_objection_flow_over_the_api():
    award = made_award()
    loser = award.project.signups.exclude(pk=award.signup_id).first()
    r = api(agency_user(loser.agency)).post(f"/api/v1/awards/{award.pk}/objections/",
                                            {"text": "报价异常"}, format="json")
    assert r.status_code == 201
    oid = r.json()["id"]
    r = api(award.project.created_by).post(f"/api/v1/objections/{oid}/answer/",
                                           {"answer": "报价合理"}, format="json")
    assert r.json()["status"] == "answered"
    reg = api(regulator_user())
    r = reg.post(f"/api/v1/objections/{oid}/decide/", {"upheld": "maybe", "decision": "x"},
                 format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    r = reg.post(f"/api/v1/objections/{oid}/decide/", {"upheld": False, "decision": "不成立"},
                 format="json")
    assert r.json()["status"] == "rejected"


def test_contract_and_delivery_over_the_api():
    award = made_award()
    Award.objects.filter(pk=award.pk).update(
        objection_until=timezone.now() - dt.timedelta(minutes=1))
    buyer, winner = api(award.project.created_by), api(agency_user(award.agency))
    r = buyer.post(f"/api/v1/awards/{award.pk}/contract/",
                   {"file": SimpleUploadedFile("c.pdf", b"%PDF")}, format="multipart")
    assert r.status_code == 201 and r.json()["status"] == "contracting"
    r = winner.post(f"/api/v1/awards/{award.pk}/contract/confirm/")
    assert r.json()["status"] == "in_service"
    r = winner.post(f"/api/v1/awards/{award.pk}/deliveries/",
                    {"file": SimpleUploadedFile("r.pdf", b"%PDF"), "note": "终稿"},
                    format="multipart")
    assert r.status_code == 201
    did = r.json()["id"]
    r = buyer.post(f"/api/v1/deliveries/{did}/return/", {"reason": ""}, format="json")
    assert r.status_code == 400
    r = buyer.post(f"/api/v1/deliveries/{did}/accept/")
    assert r.json()["status"] == "accepted" and r.json()["on_time"] is True


def test_selection_methods_over_the_api():
    project, signups = bf.selecting(method=Project.Method.RANDOM_DRAW)
    r = api(project.created_by).post(f"/api/v1/projects/{project.pk}/draw/")
    assert r.status_code == 201 and r.json()["computation"]["seed"] == project.draw_seed
    comp, (a, b, c), panel = xf.panel_project(quotes=["90000", "80000", "85000"])
    experts = xf.seated_users(panel)
    for user in experts:
        r = api(user).post(f"/api/v1/panels/{panel.pk}/scores/",
                           {"scores": {a.pk: "70", b.pk: "40", c.pk: "40"}, "submit": True},
                           format="json")
        assert r.status_code == 200
    buyer = api(comp.created_by)
    r = buyer.post(f"/api/v1/projects/{comp.pk}/evaluate/")
    assert r.status_code == 201 and r.json()["agency"]["id"] == a.agency_id
    r = api(experts[0]).post(f"/api/v1/panels/{panel.pk}/scores/", {"scores": "x"},
                             format="json")
    assert r.status_code == 400
    direct = bf.project(method=Project.Method.DIRECT)
    r = api(direct.created_by).post(f"/api/v1/projects/{direct.pk}/direct-pick/",
                                    {"agency": "abc"}, format="json")
    assert r.status_code == 404
