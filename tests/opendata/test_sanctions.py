"""Sanctions and credit grades as open data (opendata/sanctions.py): the OCDS sanctions
extension's shape, only current sanctions, their legal basis, and nothing personal."""
from __future__ import annotations

import json

import pytest

from credit.models import Sanction
from credit.services.sanctions import sanction_impose, sanction_lift
from opendata import sanctions
from tests.factories import agencies as agf
from tests.factories import credit as cf
from tests.factories.core import regulator_user

pytestmark = pytest.mark.django_db


def test_current_sanctions_are_parties_with_details_sanctions_and_their_legal_basis():
    agency = cf.suspended_agency(name="某某工程咨询有限公司")
    doc = sanctions.sanctions_document()
    assert doc["extensions"] == [sanctions.SANCTIONS_EXTENSION]
    assert doc["publicationPolicy"] == "/data/#policy"
    (party,) = doc["parties"]
    assert party["id"] == f"CN-USCI-{agency.uscc}" and party["name"] == "某某工程咨询有限公司"
    assert party["identifier"] == {"scheme": "CN-USCI", "id": agency.uscc,
                                   "legalName": "某某工程咨询有限公司"}
    (entry,) = party["details"]["sanctions"]
    sanction = Sanction.objects.get(agency=agency)
    assert entry["kind"] == "suspension" and entry["status"] == "active"
    assert entry["trigger"] == "regulator"
    assert entry["description"] == "拒不签订合同，暂停报名和竞价"
    assert entry["legalBasis"] == ("Exit mechanism, decision of the regulator "
                                   "(platform rules R10, credit model 2026.1)")
    assert entry["period"]["startDate"] and entry["period"]["endDate"]
    assert entry["period"]["endDate"].startswith(str(sanction.ends_at.astimezone().year))
    assert entry["authority"]["name"]
    text = json.dumps(doc, ensure_ascii=False)
    for private in ("imposed_by", "regulator1", "appeal", "张三", "027-12345678"):
        assert private not in text


def test_a_lifted_sanction_is_no_longer_published():
    regulator = regulator_user()
    agency = agf.agency()
    warning = sanction_impose(actor=regulator, agency=agency, kind=Sanction.Kind.WARNING,
                              reason="提交材料不完整", days=30)
    assert len(sanctions.sanctions_document()["parties"]) == 1
    sanction_lift(actor=regulator, sanction=warning, reason="已整改")
    assert sanctions.sanctions_document()["parties"] == []
    assert list(sanctions.sanctions_rows()) == []


def test_the_sanctions_json_is_served_at_data_sanctions_json(client):
    agency = cf.suspended_agency()
    response = client.get("/data/sanctions.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["parties"][0]["identifier"]["id"] == agency.uscc
    assert response["Access-Control-Allow-Origin"] == "*"


def test_grades_rows_list_every_agency_with_its_grade():
    a, b = agf.agency(), agf.agency()
    rows = {r[1]: r for r in sanctions.grades_rows()}
    assert set(rows) == {a.uscc, b.uscc}
    assert rows[a.uscc][2] == a.credit_grade and rows[a.uscc][6] == "420000"
