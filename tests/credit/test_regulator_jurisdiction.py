"""A regulator's workspace within its jurisdiction (supervision/selectors/workspace.py): a city
regulator counts only its city and the counties under it, a county regulator its county, a
regulator without a region the whole platform. Jurisdiction routes; it never excludes."""
import pytest

from agencies.models import Agency
from credit.models import Inspection
from credit.services.inspections import inspection_pool
from supervision.forms import InspectionForm
from supervision.selectors.workspace import overview_figures, tied_agencies
from tests.factories import bidding as bf
from tests.factories.agencies import agency
from tests.factories.core import region, regulator_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread():
    agencies = {
        "hongshan": agency(name="洪山区机构", region_code="420111"),
        "wuchang": agency(name="武昌区机构", region_code="420106"),
        "wuhan": agency(name="武汉市机构", region_code="420100"),
        "yichang": agency(name="宜昌市机构", region_code="420500"),
        "hubei": agency(name="湖北省机构", region_code="420000"),
        "changsha": agency(name="长沙市机构", region_code="430100"),
    }
    Agency.objects.filter(pk__in=[a.pk for a in agencies.values()]).update(
        gov_tie_declared=True, gov_tie_department="某局")
    bf.project(region=region("420111"))
    bf.project(region=region("420100"))
    bf.project(region=region("430100"))
    bf.project(region=None, owner=bf.purchaser(region=region("420102")))  # 江岸区 purchaser
    return agencies


def _overview(client, user):
    client.force_login(user)
    response = client.get("/regulator/")
    assert response.status_code == 200
    return response.context["figures"], response


def test_a_city_regulator_counts_only_its_city_and_counties(client, spread):
    figures, response = _overview(client, regulator_user(region=region("420100")))
    assert figures["agency_count"] == 3  # 洪山区, 武昌区, 武汉市
    assert figures["project_count"] == 3  # 洪山区, 武汉市, and the 江岸区 purchaser's
    assert sum(n for _g, n in figures["grades"]) == 3
    assert response.context["queue"]["ties"] == 3
    assert "武汉市" in response.content.decode()
    rows = client.get("/regulator/ties/?format=csv")
    text = b"".join(rows.streaming_content).decode("utf-8-sig")
    assert "洪山区机构" in text and "宜昌市机构" not in text and "长沙市机构" not in text


def test_a_county_regulator_sees_its_county_and_a_regulator_without_region_everything(
        client, spread):
    figures, _response = _overview(client, regulator_user(region=region("420111")))
    assert (figures["agency_count"], figures["project_count"]) == (1, 1)
    figures, _response = _overview(client, regulator_user())
    assert figures["agency_count"] == Agency.objects.count()
    assert figures["project_count"] == 4
    province = overview_figures(jurisdiction=region("420000"))
    assert province["agency_count"] == 5 and province["project_count"] == 3
    assert {a.name for a in tied_agencies(jurisdiction=region("430000"))} == {"长沙市机构"}


def test_a_city_regulator_draws_inspections_from_its_jurisdiction_only(client, spread):
    client.force_login(regulator_user(region=region("420100")))
    form = {"title": "2026年第四季度抽查", "agency_count": "10", "inspector_count": "1",
            "source": "industry_department"}
    refused = client.post("/regulator/inspections/", {**form, "region": "430100"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["region"] == [
        "长沙市 不在您的管辖范围（武汉市）内。"]
    assert not Inspection.objects.exists()
    blank = InspectionForm({**form, "region_0": ""}, jurisdiction=region("420100"))
    assert blank.is_valid() and blank.cleaned_data["region"].code == "420100"
    pool = {a.name for a in inspection_pool(region=region("420100"))}
    assert pool == {"洪山区机构", "武昌区机构", "武汉市机构"}
